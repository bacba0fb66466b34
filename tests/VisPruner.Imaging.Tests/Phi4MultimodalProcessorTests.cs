using VisPruner.Imaging.Phi4Multimodal;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// Phi-4-multimodal's dynamic HD transform in Hugging Face's arithmetic (grid, resize, padding, masks, token counts). The
/// pixel values are compared with ONNX Runtime GenAI's processor in the engine's conformance tests; the global view's
/// bicubic is the Phi-3.5-vision processor's, checked against PyTorch in <see cref="Phi3VisionProcessorTests"/>.
/// </summary>
public class Phi4MultimodalProcessorTests
{
    [Theory]
    [InlineData(448, 448, 36, 448, 448, 545)]
    [InlineData(900, 500, 36, 896, 1344, 1596)] // 27 useful token rows x 48 columns
    [InlineData(500, 900, 36, 1344, 896, 1617)] // 48 x 27
    [InlineData(1000, 1000, 36, 1344, 1344, 2625)]
    [InlineData(50, 37, 36, 448, 448, 477)] // upscaled to 448 x 331: 12 mask rows of padding
    [InlineData(20000, 500, 36, 448, 16128, 8928)] // 45 x 2 crops > 36: the closest ratio is 36 x 1; 403 rows, 3 mask rows padding
    [InlineData(1500, 1000, 2, 448, 896, 673)] // 1 x 1 and 2 x 1 tie at aspect 1.5: the larger grid (the area is large); 672 x 448, 24 useful columns
    public void Layout_and_token_count_follow_Hugging_Face(int width, int height, int dynamicHd, int canvasHeight, int canvasWidth, int tokens)
    {
        var processor = new Phi4MultimodalImageProcessor(new Phi4MultimodalProcessorOptions { DynamicHd = dynamicHd });

        Phi4MultimodalImageLayout layout = processor.GetLayout(width, height);

        Assert.Equal((canvasHeight, canvasWidth), (layout.Height, layout.Width));
        Assert.Equal(tokens, layout.NumImageTokens);
    }

    [Fact]
    public void Padding_is_white_its_mask_is_zero_and_the_global_view_comes_first()
    {
        var image = new RgbImage(900, 500); // black: the padding is the only white

        Phi4MultimodalInputs inputs = new Phi4MultimodalImageProcessor().Process(image);

        // 900 x 500 fills 1344 x 746 of a 3 x 2 grid: 150 rows of padding, the last 10 mask rows of the bottom crops zero.
        Assert.Equal([1L, 7, 3, 448, 448], inputs.PixelValuesShape);
        Assert.Equal([1L, 7, 32, 32], inputs.AttentionMaskShape);
        Assert.Equal([896L, 1344], inputs.ImageSizes.ToArray());
        ReadOnlySpan<float> pixels = inputs.PixelValues.Span, mask = inputs.AttentionMask.Span;
        const int plane = 448 * 448, maskPlane = 32 * 32;
        Assert.All(mask[..maskPlane].ToArray(), v => Assert.Equal(1f, v));
        for (int crop = 1; crop <= 6; crop++)
        {
            bool bottom = crop > 3;
            ReadOnlySpan<float> cropMask = mask.Slice(crop * maskPlane, maskPlane);
            Assert.Equal(bottom ? 22 * 32 : maskPlane, (int)cropMask.ToArray().Sum());
            ReadOnlySpan<float> red = pixels.Slice(crop * 3 * plane, plane);
            Assert.Equal(-1f, red[0]); // black
            Assert.Equal(bottom ? 1f : -1f, red[(447 * 448) + 447]); // white padding below row 746 of the canvas
        }

        Assert.Equal(1596, inputs.Layout.NumImageTokens);
    }

    [Fact]
    public void An_image_too_elongated_for_the_grid_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Phi4MultimodalImageProcessor().GetLayout(500, 5));
        Assert.Contains("500x5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_processor_configuration_is_read_in_both_forms_and_unsupported_settings_are_refused()
    {
        const string genAi = """
            {"processor": {"transforms": [
              {"operation": {"type": "Phi4VisionDynamicPreprocess", "attrs": {"dynamic_hd": 16, "dyhd_base_resolution": 448}}},
              {"operation": {"type": "Normalize", "attrs": {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}}}]}}
            """;
        Assert.Equal(16, Phi4MultimodalProcessorConfig.Parse(genAi).DynamicHd);
        Assert.Equal(12, Phi4MultimodalProcessorConfig.Parse("""{"dynamic_hd": 12}""").DynamicHd);
        Assert.Equal(36, Phi4MultimodalProcessorConfig.Parse("{}").DynamicHd);

        Assert.Contains("'dyhd_base_resolution' is 384", Assert.Throws<InvalidDataException>(
            () => Phi4MultimodalProcessorConfig.Parse(genAi.Replace("448", "384", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
        Assert.Contains("mean", Assert.Throws<InvalidDataException>(
            () => Phi4MultimodalProcessorConfig.Parse(genAi.Replace("\"mean\": [0.5", "\"mean\": [0.4", StringComparison.Ordinal))).Message, StringComparison.Ordinal);
        Assert.Contains("dynamic_hd", Assert.Throws<InvalidDataException>(() => Phi4MultimodalProcessorConfig.Parse("""{"dynamic_hd": 0}""")).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => Phi4MultimodalProcessorConfig.Parse("[1]"));
    }
}
