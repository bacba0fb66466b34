using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using VisPruner.Tokenizers.Decoders;
using Decoder = VisPruner.Tokenizers.Decoders.Decoder;
using VisPruner.Tokenizers.Models;
using VisPruner.Tokenizers.Normalizers;
using VisPruner.Tokenizers.PostProcessors;
using VisPruner.Tokenizers.PreTokenizers;

namespace VisPruner.Tokenizers.Loading;

/// <summary>Builds a <see cref="TokenizerDefinition"/> from tokenizer.json (and tokenizer_config.json) text.</summary>
internal static class TokenizerJsonLoader
{
    public static TokenizerDefinition Load(string tokenizerJson, string? configJson, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(tokenizerJson);
            using var config = configJson is null ? null : JsonDocument.Parse(configJson);
            return Load(document.RootElement, config?.RootElement, source);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{source}' is not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new InvalidDataException($"'{source}' does not have the expected tokenizer.json layout: {e.Message}", e);
        }
    }

    private static TokenizerDefinition Load(JsonElement root, JsonElement? config, string source)
    {
        var model = ReadModel(Required(root, "model", source), source);
        var addedTokens = AssignIds(ReadAddedTokens(root), model);
        var normalizer = ReadNormalizer(Optional(root, "normalizer"));
        var preTokenizer = ReadPreTokenizer(Optional(root, "pre_tokenizer"));
        var decoder = ReadDecoder(Optional(root, "decoder"));

        int? IdOf(string? token) => token is null ? null
            : addedTokens.FirstOrDefault(t => t.Content == token)?.Id ?? (model.TryGetId(token, out var id) ? id : null);

        var bos = IdOf(ConfigToken(config, "bos_token"));
        var eos = IdOf(ConfigToken(config, "eos_token"));
        var template = ReadTemplate(config, bos, eos) ?? ReadPostProcessor(Optional(root, "post_processor"), source);
        return new TokenizerDefinition(normalizer, preTokenizer, model, decoder, template, addedTokens, bos, eos);
    }

    private static List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var tokens = new List<AddedToken>();
        if (Optional(root, "added_tokens") is { ValueKind: JsonValueKind.Array } array)
        {
            foreach (var t in array.EnumerateArray())
            {
                tokens.Add(new AddedToken(
                    t.GetProperty("id").GetInt32(),
                    t.GetProperty("content").GetString()!,
                    Bool(t, "special", false),
                    Bool(t, "single_word", false),
                    Bool(t, "lstrip", false),
                    Bool(t, "rstrip", false),
                    Bool(t, "normalized", true)));
            }
        }

        return tokens;
    }

    /// <summary>
    /// Gives added tokens the ids Hugging Face gives them: a vocabulary token keeps its vocabulary id, any
    /// other takes the next id after the vocabulary and earlier added tokens, whatever id the file states.
    /// </summary>
    private static List<AddedToken> AssignIds(List<AddedToken> tokens, BpeModel model)
    {
        var vocabularySize = model.Vocabulary.Count;
        var assigned = new Dictionary<string, int>(StringComparer.Ordinal);
        var maxId = -1;
        var result = new List<AddedToken>(tokens.Count);
        foreach (var token in tokens)
        {
            if (!assigned.TryGetValue(token.Content, out var id) && !model.TryGetId(token.Content, out id))
            {
                id = maxId >= vocabularySize || vocabularySize == 0 ? maxId + 1 : vocabularySize;
            }

            assigned[token.Content] = id;
            maxId = Math.Max(maxId, id);
            result.Add(token with { Id = id });
        }

        return result;
    }

    private static BpeModel ReadModel(JsonElement model, string source)
    {
        var type = String(model, "type") ?? "BPE";
        if (type != "BPE")
        {
            throw new NotSupportedException($"'{source}' uses a {type} model; only BPE tokenizers are supported.");
        }

        if (Optional(model, "dropout") is { ValueKind: JsonValueKind.Number } dropout && dropout.GetDouble() != 0)
        {
            throw new NotSupportedException($"'{source}' enables BPE dropout, which is for training and is not supported.");
        }

        if (!string.IsNullOrEmpty(String(model, "continuing_subword_prefix")) || !string.IsNullOrEmpty(String(model, "end_of_word_suffix")))
        {
            throw new NotSupportedException($"'{source}' uses BPE continuing_subword_prefix or end_of_word_suffix, which are not supported.");
        }

        var vocabElement = model.GetProperty("vocab");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
        {
            vocab[entry.Name] = entry.Value.GetInt32();
        }

        var merges = new List<(string, string)>();
        var index = 0;
        foreach (var merge in model.GetProperty("merges").EnumerateArray())
        {
            merges.Add(merge.ValueKind == JsonValueKind.Array
                ? (merge[0].GetString()!, merge[1].GetString()!)
                : SplitMerge(merge.GetString()!, index, source));
            index++;
        }

        return new BpeModel(vocab, merges, String(model, "unk_token"), Bool(model, "fuse_unk", false), Bool(model, "byte_fallback", false), Bool(model, "ignore_merges", false));
    }

    private static (string, string) SplitMerge(string merge, int index, string source)
    {
        var parts = merge.Split(' ');
        return parts.Length == 2 ? (parts[0], parts[1])
            : throw new InvalidDataException($"'{source}' merge #{index} '{merge}' is not two tokens separated by one space.");
    }

    private static Normalizer? ReadNormalizer(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } n)
        {
            return null;
        }

        return String(n, "type") switch
        {
            "Sequence" => new SequenceNormalizer(n.GetProperty("normalizers").EnumerateArray().Select(e => ReadNormalizer(e)!).ToArray()),
            "Prepend" => new PrependNormalizer(n.GetProperty("prepend").GetString()!),
            "Replace" => ReadReplace(n, (literal, regex, content) => new ReplaceNormalizer(literal, regex, content)),
            "NFC" => new UnicodeNormalizer(NormalizationForm.FormC),
            "NFD" => new UnicodeNormalizer(NormalizationForm.FormD),
            "NFKC" => new UnicodeNormalizer(NormalizationForm.FormKC),
            "NFKD" => new UnicodeNormalizer(NormalizationForm.FormKD),
            "Lowercase" => new LowercaseNormalizer(),
            "Strip" => new StripNormalizer(Bool(n, "strip_left", false), Bool(n, "strip_right", true)),
            var other => throw Unsupported("normalizer", other),
        };
    }

    private static PreTokenizer? ReadPreTokenizer(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } p)
        {
            return null;
        }

        return String(p, "type") switch
        {
            "Sequence" => new SequencePreTokenizer(p.GetProperty("pretokenizers").EnumerateArray().Select(e => ReadPreTokenizer(e)!).ToArray()),
            "Split" => new SplitPreTokenizer(ReadPattern(p.GetProperty("pattern")), ReadBehavior(String(p, "behavior")), Bool(p, "invert", false)),
            "ByteLevel" => new ByteLevelPreTokenizer(Bool(p, "add_prefix_space", true), Bool(p, "use_regex", true)),
            "Metaspace" => new MetaspacePreTokenizer(ReadReplacement(p), ReadPrependScheme(p), Bool(p, "split", true)),
            var other => throw Unsupported("pre_tokenizer", other),
        };
    }

    private static Decoder? ReadDecoder(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } d)
        {
            return null;
        }

        return String(d, "type") switch
        {
            "Sequence" => new SequenceDecoder(d.GetProperty("decoders").EnumerateArray().Select(e => ReadDecoder(e)!).ToArray()),
            "Replace" => ReadReplace(d, (literal, regex, content) => new ReplaceDecoder(literal, regex, content)),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => new StripDecoder(SingleChar(d.GetProperty("content").GetString()!, "Strip decoder content"), Int(d, "start"), Int(d, "stop")),
            "Metaspace" => new MetaspaceDecoder(ReadReplacement(d), ReadPrependScheme(d)),
            "ByteLevel" => new ByteLevelDecoder(),
            var other => throw Unsupported("decoder", other),
        };
    }

    private static SpecialTokensTemplate ReadPostProcessor(JsonElement? element, string source)
    {
        if (element is not { ValueKind: JsonValueKind.Object } p)
        {
            return SpecialTokensTemplate.None;
        }

        switch (String(p, "type"))
        {
            case "ByteLevel":
                return SpecialTokensTemplate.None;
            case "Sequence":
                var prefix = new List<int>();
                var suffix = new List<int>();
                foreach (var processor in p.GetProperty("processors").EnumerateArray())
                {
                    var template = ReadPostProcessor(processor, source);
                    prefix.AddRange(template.Prefix);
                    suffix.InsertRange(0, template.Suffix);
                }

                return new SpecialTokensTemplate([.. prefix], [.. suffix]);
            case "TemplateProcessing":
                return ReadTemplateProcessing(p, source);
            case "BertProcessing" or "RobertaProcessing":
                return new SpecialTokensTemplate([p.GetProperty("cls")[1].GetInt32()], [p.GetProperty("sep")[1].GetInt32()]);
            case var other:
                throw Unsupported("post_processor", other);
        }
    }

    private static SpecialTokensTemplate ReadTemplateProcessing(JsonElement p, string source)
    {
        var specialTokens = p.GetProperty("special_tokens");
        var prefix = new List<int>();
        var suffix = new List<int>();
        var seenSequence = false;
        foreach (var item in p.GetProperty("single").EnumerateArray())
        {
            if (item.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
                continue;
            }

            var name = item.GetProperty("SpecialToken").GetProperty("id").GetString()!;
            if (!specialTokens.TryGetProperty(name, out var special))
            {
                throw new InvalidDataException($"'{source}' post_processor template uses '{name}', which is not in its special_tokens.");
            }

            (seenSequence ? suffix : prefix).AddRange(special.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()));
        }

        return new SpecialTokensTemplate([.. prefix], [.. suffix]);
    }

    /// <summary>
    /// tokenizer_config.json's add_bos_token/add_eos_token replace the post-processor template, as the
    /// Transformers tokenizers that honour them do; without either flag the tokenizer.json template stands.
    /// </summary>
    private static SpecialTokensTemplate? ReadTemplate(JsonElement? config, int? bos, int? eos)
    {
        if (config is not { ValueKind: JsonValueKind.Object } c
            || (Optional(c, "add_bos_token") is null && Optional(c, "add_eos_token") is null))
        {
            return null;
        }

        var addBos = Bool(c, "add_bos_token", false) && bos is not null;
        var addEos = Bool(c, "add_eos_token", false) && eos is not null;
        return new SpecialTokensTemplate(addBos ? [bos!.Value] : [], addEos ? [eos!.Value] : []);
    }

    private static string? ConfigToken(JsonElement? config, string name) =>
        config is { ValueKind: JsonValueKind.Object } c && Optional(c, name) is { } token
            ? token.ValueKind switch
            {
                JsonValueKind.String => token.GetString(),
                JsonValueKind.Object => String(token, "content"),
                _ => null,
            }
            : null;

    private static T ReadReplace<T>(JsonElement element, Func<string?, Regex?, string, T> create)
    {
        var pattern = element.GetProperty("pattern");
        var content = element.GetProperty("content").GetString()!;
        return pattern.TryGetProperty("String", out var literal)
            ? create(literal.GetString()!, null, content)
            : create(null, ReadPattern(pattern), content);
    }

    private static Regex ReadPattern(JsonElement pattern)
    {
        if (pattern.TryGetProperty("String", out var literal))
        {
            return new Regex(Regex.Escape(literal.GetString()!), RegexOptions.CultureInvariant);
        }

        var expression = pattern.GetProperty("Regex").GetString()!;
        try
        {
            return new Regex(expression, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new NotSupportedException($"The tokenizer regular expression '{expression}' is not supported by .NET regular expressions: {e.Message}", e);
        }
    }

    private static SplitBehavior ReadBehavior(string? behavior) => behavior switch
    {
        "Removed" => SplitBehavior.Removed,
        "Isolated" => SplitBehavior.Isolated,
        "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitBehavior.MergedWithNext,
        "Contiguous" => SplitBehavior.Contiguous,
        _ => throw Unsupported("Split behavior", behavior),
    };

    private static char ReadReplacement(JsonElement element) =>
        SingleChar(String(element, "replacement") ?? "\u2581", "Metaspace replacement");

    private static PrependScheme ReadPrependScheme(JsonElement element) => String(element, "prepend_scheme") switch
    {
        "always" => PrependScheme.Always,
        "first" => PrependScheme.First,
        "never" => PrependScheme.Never,
        null => Bool(element, "add_prefix_space", true) ? PrependScheme.Always : PrependScheme.Never,
        var other => throw Unsupported("Metaspace prepend_scheme", other),
    };

    private static char SingleChar(string value, string what) =>
        value.Length == 1 ? value[0] : throw new NotSupportedException($"A {what} of '{value}' is not supported; it must be one UTF-16 character.");

    private static NotSupportedException Unsupported(string component, string? type) =>
        new($"The tokenizer.json {component} '{type}' is not supported.");

    private static JsonElement Required(JsonElement element, string name, string source) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new InvalidDataException($"'{source}' has no '{name}'.");

    private static JsonElement? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? String(JsonElement element, string name) =>
        Optional(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static bool Bool(JsonElement element, string name, bool fallback) =>
        Optional(element, name) is { } value && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;

    private static int Int(JsonElement element, string name) =>
        Optional(element, name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt32() : 0;
}
