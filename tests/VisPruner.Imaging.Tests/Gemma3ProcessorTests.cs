using VisPruner.Imaging.Gemma3;
using VisPruner.Imaging.Processing;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// Gemma 3's processor: a plain 896 x 896 resize with the configured filter (Pillow's arithmetic, checked against Pillow
/// in <see cref="ResamplerTests"/>), rescaling and normalisation to [-1, 1] as RGB planes, and its configuration reader.
/// The pixel values are compared with ONNX Runtime GenAI's processor in the engine's conformance tests.
/// </summary>
public class Gemma3ProcessorTests
{
    private const int Side = Gemma3ImageProcessor.ImageSize, Plane = Side * Side;

    private const string GenAiConfig = """
        {"processor": {"transforms": [
          {"operation": {"type": "DecodeImage", "attrs": {"color_space": "RGB"}}},
          {"operation": {"type": "Resize", "attrs": {"interpolation": "CUBIC", "width": 896, "height": 896, "keep_aspect_ratio": 0}}},
          {"operation": {"type": "Rescale"}},
          {"operation": {"type": "Normalize", "attrs": {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}}},
          {"operation": {"type": "Permute3D", "attrs": {"dims": [2, 0, 1]}}}]}}
        """;

    [Fact]
    public void A_solid_image_of_any_size_becomes_three_constant_planes_in_minus_one_to_one()
    {
        var image = new RgbImage(640, 480);
        for (int i = 0; i < image.Pixels.Length; i += 3)
        {
            (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]) = (255, 0, 128);
        }

        Gemma3Inputs inputs = new Gemma3ImageProcessor().Process(image);

        Assert.Equal([1L, 3, 896, 896], inputs.PixelValuesShape);
        ReadOnlySpan<float> pixels = inputs.PixelValues.Span;
        Assert.Equal(3 * Plane, pixels.Length);
        float[] expected = [1f, -1f, ((128f / 255f) - 0.5f) / 0.5f];
        for (int channel = 0; channel < 3; channel++)
        {
            float value = expected[channel];
            Assert.All(pixels.Slice(channel * Plane, Plane).ToArray(), v => Assert.Equal(value, v));
        }
    }

    [Theory]
    [InlineData(Gemma3Interpolation.Bilinear)]
    [InlineData(Gemma3Interpolation.Bicubic)]
    public void Each_plane_is_the_chosen_Pillow_resize_normalised(Gemma3Interpolation interpolation)
    {
        RgbImage image = Picture(700, 420);

        float[] pixels = new Gemma3ImageProcessor(new Gemma3ProcessorOptions { Interpolation = interpolation }).Process(image).PixelValues.ToArray();

        RgbImage resized = PillowResampler.Resize(image, Side, Side, interpolation == Gemma3Interpolation.Bicubic ? ResampleFilter.Bicubic : ResampleFilter.Bilinear);
        for (int y = 0; y < Side; y += 37)
        {
            for (int x = 0; x < Side; x += 23)
            {
                for (int c = 0; c < 3; c++)
                {
                    float expected = ((resized.GetRow(y)[(3 * x) + c] / 255f) - 0.5f) / 0.5f;
                    Assert.Equal(expected, pixels[(c * Plane) + (y * Side) + x]);
                }
            }
        }

        // The two filters differ on a picture with edges, so the setting is not ignored.
        Gemma3Interpolation other = interpolation == Gemma3Interpolation.Bicubic ? Gemma3Interpolation.Bilinear : Gemma3Interpolation.Bicubic;
        Assert.NotEqual(pixels, new Gemma3ImageProcessor(new Gemma3ProcessorOptions { Interpolation = other }).Process(image).PixelValues.ToArray());
    }

    [Theory]
    [InlineData("\"interpolation\": \"CUBIC\"", Gemma3Interpolation.Bicubic)]
    [InlineData("\"interpolation\": \"LINEAR\"", Gemma3Interpolation.Bilinear)]
    [InlineData("\"keep_aspect_ratio\": 1", Gemma3Interpolation.Bicubic)] // no interpolation: onnxruntime-extensions' default
    public void The_GenAI_processor_configuration_gives_the_resize_filter(string resizeAttribute, Gemma3Interpolation expected)
    {
        string json = GenAiConfig.Replace("\"interpolation\": \"CUBIC\"", "\"x\": 0", StringComparison.Ordinal).Replace("\"x\": 0", resizeAttribute, StringComparison.Ordinal);

        Assert.Equal(expected, Gemma3ProcessorConfig.Parse(json).Interpolation);
    }

    [Theory]
    [InlineData("\"width\": 896", "\"width\": 448", "Resize 'width' is 448")]
    [InlineData(", \"width\": 896, \"height\": 896", "", "Resize 'width' is 256")]
    [InlineData("\"CUBIC\"", "\"NEAREST\"", "'interpolation' is 'NEAREST'")]
    [InlineData("\"mean\": [0.5", "\"mean\": [0.4", "Normalize 'mean'")]
    [InlineData("{\"type\": \"Rescale\"}", "{\"type\": \"Rescale\", \"attrs\": {\"rescale_factor\": 0.5}}", "'rescale_factor' is 0.5")]
    [InlineData("\"type\": \"Resize\"", "\"type\": \"CenterCrop\"", "no Resize transform")]
    [InlineData("{\"processor\"", "[{\"processor\"", "not valid JSON")]
    public void Settings_the_processor_does_not_reproduce_are_refused_naming_them(string find, string replace, string message)
    {
        string json = GenAiConfig.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(GenAiConfig, json);

        var error = Assert.Throws<InvalidDataException>(() => Gemma3ProcessorConfig.Parse(json));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static RgbImage Picture(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = image.GetRow(y);
            for (int x = 0; x < width; x++)
            {
                row[3 * x] = (byte)((x / 7 % 2) * 255);
                row[(3 * x) + 1] = (byte)(y * 255 / height);
                row[(3 * x) + 2] = (byte)((x + y) % 256);
            }
        }

        return image;
    }
}
