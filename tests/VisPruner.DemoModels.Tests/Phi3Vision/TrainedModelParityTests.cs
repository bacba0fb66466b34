using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VisPruner.DemoModels;
using Xunit.Abstractions;

namespace VisPruner.DemoModels.Tests.Phi3Vision;

/// <summary>
/// The folder the factory builds from the trained weights computes what the training code computed: the PyTorch forward
/// pass (the oracle) wrote its inputs and outputs for one held-out scene, and ONNX Runtime's own C# API runs the folder's
/// three graphs on the same inputs.
/// </summary>
public sealed class TrainedModelParityTests(TrainedModelFolder folder, ITestOutputHelper output) : IClassFixture<TrainedModelFolder>
{
    // Float32 on both sides with different summation orders through two vision layers, the projector and two decoder
    // layers: differences of 1e-5..1e-4 are expected; 2e-3 still catches any real mismatch (a wrong epsilon, GELU
    // variant, rotary convention or token layout moves logits by 0.1 or more).
    private const float LogitTolerance = 2e-3f;
    private const float FeatureTolerance = 1e-3f;

    [Fact]
    public void Folder_logits_match_the_training_forward_pass()
    {
        (float[] expectedFeatures, float[] expectedLogits, float[] features, float[] logits) = Run(folder.Path);
        float featureDiff = MaxAbsDifference(expectedFeatures, features);
        float logitDiff = MaxAbsDifference(expectedLogits, logits);
        output.WriteLine($"image_features: max |diff| {featureDiff:E2} (tolerance {FeatureTolerance:E0})");
        output.WriteLine($"logits: {expectedLogits.Length / folder.Info.VocabularySize} text positions x {folder.Info.VocabularySize}, max |diff| {logitDiff:E2} (tolerance {LogitTolerance:E0})");
        Assert.True(featureDiff <= FeatureTolerance, $"image_features differ by up to {featureDiff}.");
        Assert.True(logitDiff <= LogitTolerance, $"logits differ by up to {logitDiff}.");
    }

    [Fact]
    public void A_four_bit_folder_of_the_same_weights_predicts_the_same_tokens()
    {
        string quantized = Path.Combine(Path.GetTempPath(), "vispruner-trained-int4-" + Guid.NewGuid().ToString("N"));
        try
        {
            TinyPhi3VisionModel.Write(quantized, folder.Options with { DecoderWeights = DecoderWeightFormat.Int4 });
            (_, float[] expectedLogits, _, float[] logits) = Run(quantized);
            int vocabulary = folder.Info.VocabularySize, positions = expectedLogits.Length / vocabulary;
            int agree = Enumerable.Range(0, positions).Count(p =>
                ArgMax(expectedLogits.AsSpan(p * vocabulary, vocabulary)) == ArgMax(logits.AsSpan(p * vocabulary, vocabulary)));
            output.WriteLine($"4-bit decoder: max |logit diff| {MaxAbsDifference(expectedLogits, logits):E2}, same next token at {agree} of {positions} text positions");
            Assert.True(agree >= positions - 1, $"The 4-bit folder predicts the float model's next token at only {agree} of {positions} positions.");
        }
        finally
        {
            Directory.Delete(quantized, recursive: true);
        }
    }

    // The fixture's expectations and the given folder's outputs: image_features, and the logits of the text after the image.
    private (float[] ExpectedFeatures, float[] ExpectedLogits, float[] Features, float[] Logits) Run(string modelFolder)
    {
        using JsonDocument parity = JsonDocument.Parse(File.ReadAllText(TrainingFixtures.File("parity.json")));
        long[] ids = [.. parity.RootElement.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt64())];
        long[] imageSizes = [.. parity.RootElement.GetProperty("image_sizes").EnumerateArray().Select(e => e.GetInt64())];
        SafetensorsWeights expected = LoadGzipped(TrainingFixtures.File("parity.safetensors.gz"));
        TinyPhi3VisionOptions o = folder.Options;
        int crops = o.NumCrops + 1, hidden = o.HiddenSize, vocabulary = folder.Info.VocabularySize;
        int rows = ids.Count(id => id < 0);
        int textRows = ids.Length - Array.FindLastIndex(ids, id => id < 0) - 1; // the text after the image
        float[] features = RunVision(modelFolder, expected.Read("pixel_values", [1, crops, 3, 336, 336]), crops, imageSizes);
        float[] logits = RunText(modelFolder, ids, features, rows, hidden, vocabulary);
        return (expected.Read("image_features", [rows, hidden]), expected.Read("text_logits", [textRows, vocabulary]),
            features, logits[((ids.Length - textRows) * vocabulary)..]);
    }

    private static float[] RunVision(string modelFolder, float[] pixels, int crops, long[] imageSizes)
    {
        using var session = new InferenceSession(Path.Combine(modelFolder, TinyPhi3VisionModel.VisionFileName));
        using var results = session.Run([
            NamedOnnxValue.CreateFromTensor("pixel_values", new DenseTensor<float>(pixels, [1, crops, 3, 336, 336])),
            NamedOnnxValue.CreateFromTensor("image_sizes", new DenseTensor<long>(imageSizes, [1, 2])),
        ]);
        return [.. results[0].AsEnumerable<float>()];
    }

    private float[] RunText(string modelFolder, long[] ids, float[] features, int rows, int hidden, int vocabulary)
    {
        float[] embeddings;
        using (var embedding = new InferenceSession(Path.Combine(modelFolder, TinyPhi3VisionModel.EmbeddingFileName)))
        using (var results = embedding.Run([
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, [1, ids.Length])),
            NamedOnnxValue.CreateFromTensor("image_features", new DenseTensor<float>(features, [rows, hidden])),
        ]))
        {
            embeddings = [.. results[0].AsEnumerable<float>()];
        }

        TinyPhi3VisionOptions o = folder.Options;
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("inputs_embeds", new DenseTensor<float>(embeddings, [1, ids.Length, hidden])),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(Enumerable.Repeat(1L, ids.Length).ToArray(), [1, ids.Length])),
        };
        int headSize = hidden / o.AttentionHeads;
        for (int layer = 0; layer < o.DecoderLayers; layer++)
        {
            inputs.Add(NamedOnnxValue.CreateFromTensor($"past_key_values.{layer}.key", new DenseTensor<float>([1, o.KeyValueHeads, 0, headSize])));
            inputs.Add(NamedOnnxValue.CreateFromTensor($"past_key_values.{layer}.value", new DenseTensor<float>([1, o.KeyValueHeads, 0, headSize])));
        }

        using var decoder = new InferenceSession(Path.Combine(modelFolder, TinyPhi3VisionModel.DecoderFileName));
        using var decoded = decoder.Run(inputs, ["logits"]);
        float[] logits = [.. decoded[0].AsEnumerable<float>()];
        Assert.Equal(ids.Length * vocabulary, logits.Length);
        return logits;
    }

    private static SafetensorsWeights LoadGzipped(string path)
    {
        string plain = Path.Combine(Path.GetTempPath(), "vispruner-parity-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            using (var source = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
            using (FileStream target = File.Create(plain))
            {
                source.CopyTo(target);
            }

            return SafetensorsWeights.Load(plain);
        }
        finally
        {
            File.Delete(plain);
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }

    private static float MaxAbsDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = Math.Abs(expected[i] - actual[i]);
            max = float.IsNaN(diff) ? float.PositiveInfinity : Math.Max(max, diff);
        }

        return max;
    }
}
