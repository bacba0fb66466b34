using VisPruner.DemoModels;
using Microsoft.ML.OnnxRuntime;

namespace VisPruner.DemoModels.Tests.Phi3Vision;

public sealed class EmbeddingModelTests : IDisposable
{
    private readonly DemoModelFolder _folder = new();
    private readonly InferenceSession _session;

    public EmbeddingModelTests() => _session = _folder.Load(TinyPhi3VisionModel.EmbeddingFileName);

    private int Hidden => _folder.Info.Options.HiddenSize;

    public void Dispose()
    {
        _session.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void Image_rows_land_in_the_negative_id_positions_in_order_and_text_ids_keep_their_embeddings()
    {
        long[] ids = [1, 17, -1, -1, 40, -1, 2];
        float[] image = new float[3 * Hidden];
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = 1000 + i; // row r holds 1000 + r * Hidden + column: unlike any embedding value
        }

        float[] embeds = Embed(ids, image, 3);
        float[] textOnly = Embed([1, 17, 0, 0, 40, 0, 2], [], 0);
        int row = 0;
        for (int position = 0; position < ids.Length; position++)
        {
            ReadOnlySpan<float> actual = embeds.AsSpan(position * Hidden, Hidden);
            ReadOnlySpan<float> expected = ids[position] < 0
                ? image.AsSpan(row++ * Hidden, Hidden)
                : textOnly.AsSpan(position * Hidden, Hidden);
            Assert.True(expected.SequenceEqual(actual), $"position {position} holds the wrong row");
        }

        Assert.False(textOnly.AsSpan(Hidden, Hidden).SequenceEqual(textOnly.AsSpan(4 * Hidden, Hidden)), "different ids must embed differently");
    }

    [Fact]
    public void Zero_image_rows_are_accepted_for_text_only_and_decode_steps()
    {
        float[] embeds = Embed([5], [], 0);
        Assert.Equal(Hidden, embeds.Length);
        Assert.Contains(embeds, v => v != 0);
    }

    [Fact]
    public void A_placeholder_count_that_differs_from_the_rows_is_an_error()
    {
        Assert.ThrowsAny<OnnxRuntimeException>(() => Embed([1, -1, -1], new float[Hidden], 1));
    }

    private float[] Embed(long[] ids, float[] imageFeatures, int rows) =>
        DemoModelRunner.Run(_session, "inputs_embeds",
            ("input_ids", OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length])),
            ("image_features", OrtValue.CreateTensorValueFromMemory(imageFeatures, [rows, Hidden])));
}
