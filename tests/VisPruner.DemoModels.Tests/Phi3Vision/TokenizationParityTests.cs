using System.Text.Json;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace VisPruner.DemoModels.Tests.Phi3Vision;

/// <summary>
/// The training code tokenized every prompt chunk and answer of the question templates exactly as ONNX Runtime GenAI's
/// tokenizer does for the trained folder (GenAI's Encode adds no BOS; the engine adds it to the first chunk).
/// </summary>
public sealed class TokenizationParityTests(TrainedModelFolder folder) : IClassFixture<TrainedModelFolder>
{
    [Fact]
    public void Template_strings_get_the_ids_training_used()
    {
        using JsonDocument fixture = JsonDocument.Parse(File.ReadAllText(TrainingFixtures.File("tokenization.json")));
        using var model = new Model(folder.Path);
        using var tokenizer = new Tokenizer(model);
        int checkedStrings = 0;
        foreach (JsonElement entry in fixture.RootElement.EnumerateArray())
        {
            string text = entry.GetProperty("text").GetString()!;
            int[] expected = [.. entry.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())];
            using Sequences sequences = tokenizer.Encode(text);
            Assert.True(expected.SequenceEqual(sequences[0].ToArray()), $"'{text}': training used [{string.Join(", ", expected)}], GenAI gives [{string.Join(", ", sequences[0].ToArray())}].");
            checkedStrings++;
        }

        Assert.True(checkedStrings > 1000, $"Only {checkedStrings} strings in the fixture.");
    }
}
