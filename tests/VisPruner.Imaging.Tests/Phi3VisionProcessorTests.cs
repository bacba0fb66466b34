using System.Text.Json;
using VisPruner.Imaging.Phi3Vision;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// The processor's tensors match Hugging Face's Phi-3.5-vision arithmetic, reproduced with Pillow and torch
/// in Fixtures/generate_phi3v.py. Crops must be bit-identical (the bilinear resize is integer-exact and the
/// normalisation uses the same float32 operations); the global view, a float32 bicubic whose FMA use may differ
/// from torch's build, within <see cref="GlobalTolerance"/> (observed: at most 4.8e-7).
/// </summary>
public class Phi3VisionProcessorTests
{
    private const double CropTolerance = 0;
    private const double GlobalTolerance = 2e-6;

    // Plane sums are float64 in both, accumulated in different orders.
    private const double SumRoundingPerValue = 1e-9;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Path.Combine(Fixture.Root, "phi3v"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_matches_hugging_face_processor(string name)
    {
        using JsonDocument digest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixture.Root, "phi3v", name + ".json")));
        JsonElement d = digest.RootElement;
        RgbImage image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(Fixture.Root, "phi3v", d.GetProperty("input").GetString()!)));
        var processor = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = d.GetProperty("num_crops").GetInt32() });

        Phi3VisionInputs inputs = processor.Process(image);

        long[] shape = d.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.Equal([1, .. shape], inputs.PixelValuesShape);
        long[] size = d.GetProperty("image_size").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.Equal(size, inputs.ImageSizes.ToArray());
        Assert.Equal(d.GetProperty("num_img_tokens").GetInt32(), inputs.Layouts[0].NumImageTokens);
        Assert.Equal(inputs.Layouts[0], processor.GetLayout(image.Width, image.Height));

        ReadOnlySpan<float> values = inputs.PixelValues.Span;
        const int plane = 336 * 336;
        foreach (JsonElement s in d.GetProperty("samples").EnumerateArray())
        {
            int k = s[0].GetInt32(), c = s[1].GetInt32(), y = s[2].GetInt32(), x = s[3].GetInt32();
            double expected = s[4].GetDouble();
            double actual = values[(((k * 3) + c) * plane) + (y * 336) + x];
            double tolerance = k == 0 ? GlobalTolerance : CropTolerance;
            Assert.True(Math.Abs(expected - actual) <= tolerance, $"crop {k} channel {c} ({x},{y}): expected {expected}, got {actual}");
        }

        int slot = 0;
        foreach (JsonElement sums in d.GetProperty("sums").EnumerateArray())
        {
            for (int c = 0; c < 3; c++)
            {
                double actual = 0;
                foreach (float v in values.Slice(((slot * 3) + c) * plane, plane))
                {
                    actual += v;
                }

                double tolerance = ((slot == 0 ? GlobalTolerance : CropTolerance) + SumRoundingPerValue) * plane;
                Assert.True(Math.Abs(sums[c].GetDouble() - actual) <= tolerance, $"crop {slot} channel {c}: sum {actual}, expected {sums[c].GetDouble()}");
            }

            slot++;
        }
    }

    [Theory]
    [InlineData(2, 2, 16, 1344, 1344, 2509)]
    [InlineData(600, 400, 4, 672, 672, 757)] // 2x2
    [InlineData(1000, 100, 16, 336, 3360, 1609)] // 1x10: an 11th column would need a second row
    [InlineData(100, 1000, 16, 3360, 336, 1717)] // portrait: 10 rows, each with its separator
    [InlineData(40_000, 1, 16, 336, 5376, 2473)] // extreme ratio keeps one row
    public void Layout_follows_the_hd_transform(int width, int height, int numCrops, int paddedHeight, int paddedWidth, int tokens)
    {
        var processor = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = numCrops });
        Phi3VisionImageLayout layout = processor.GetLayout(width, height);
        Assert.Equal((paddedHeight, paddedWidth), (layout.Height, layout.Width));
        Assert.Equal(tokens, layout.NumImageTokens);
        Assert.True(layout.CropCount <= numCrops);
        Assert.Equal(tokens, ((layout.CropCount + 1) * 144) + 1 + ((layout.CropRows + 1) * 12));
    }

    [Fact]
    public void Token_layout_lists_sub_image_rows_then_global_separator_then_global_rows()
    {
        var layout = new Phi3VisionImageLayout(672, 1008); // 2 x 3 crops: 24 rows of 36 patches + separator
        Phi3VisionToken[] tokens = Enumerable.Range(0, layout.NumImageTokens).Select(layout.GetToken).ToArray();

        Assert.Equal(24 * 36, tokens.Count(t => t.Kind == Phi3VisionTokenKind.SubImagePatch));
        Assert.Equal(24, tokens.Count(t => t.Kind == Phi3VisionTokenKind.SubImageRowSeparator));
        Assert.Equal(144, tokens.Count(t => t.Kind == Phi3VisionTokenKind.GlobalPatch));
        Assert.Equal(12, tokens.Count(t => t.Kind == Phi3VisionTokenKind.GlobalRowSeparator));
        Assert.Equal(new Phi3VisionToken(Phi3VisionTokenKind.SubImagePatch, 0, 0), tokens[0]);
        Assert.Equal(new Phi3VisionToken(Phi3VisionTokenKind.SubImageRowSeparator, 0, 36), tokens[36]);
        Assert.Equal(new Phi3VisionToken(Phi3VisionTokenKind.SubImagePatch, 1, 0), tokens[37]);
        Assert.Equal(new Phi3VisionToken(Phi3VisionTokenKind.GlobalSeparator, -1, -1), tokens[24 * 37]);
        Assert.Equal(new Phi3VisionToken(Phi3VisionTokenKind.GlobalPatch, 0, 0), tokens[(24 * 37) + 1]);
        Assert.Equal(new Phi3VisionToken(Phi3VisionTokenKind.GlobalRowSeparator, 11, 12), tokens[^1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.GetToken(layout.NumImageTokens));
    }

    [Fact]
    public void Batch_stacks_images_and_zero_pads_unused_crop_slots()
    {
        var processor = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 4 });
        var wide = new RgbImage(90, 30); // ratio 3 -> 1x3 grid
        var tall = new RgbImage(30, 90); // 3x1 grid
        wide.Pixels.Fill(200);
        tall.Pixels.Fill(10);

        Phi3VisionInputs inputs = processor.Process([wide, tall]);

        Assert.Equal([2L, 5, 3, 336, 336], inputs.PixelValuesShape);
        Assert.Equal([336L, 1008, 1008, 336], inputs.ImageSizes.ToArray());
        Assert.Equal(601 + 625, inputs.TotalImageTokens);
        const int slot = 3 * 336 * 336;
        float[] v = inputs.PixelValues.ToArray();
        Assert.Equal(((200 / 255f) - 0.48145466f) / 0.26862954f, v[slot], 6); // image 0, first crop, red
        Assert.Equal(((10 / 255f) - 0.45782750f) / 0.26130258f, v[(5 * slot) + slot + (336 * 336)], 6); // image 1, first crop, green
        Assert.False(v.AsSpan(0, 4 * slot).Contains(0f)); // global view + 3 crops
        Assert.False(v.AsSpan(4 * slot, slot).ContainsAnyExcept(0f)); // fifth slot unused
        Assert.False(v.AsSpan(9 * slot, slot).ContainsAnyExcept(0f));
    }

    [Fact]
    public void ProcessInto_fills_a_reused_buffer_like_Process()
    {
        var processor = new Phi3VisionImageProcessor(new Phi3VisionProcessorOptions { NumCrops = 4 });
        var image = new RgbImage(90, 30, [.. Enumerable.Range(0, 90 * 30 * 3).Select(i => (byte)(i * 7))]); // 1x3 grid, slot 4 unused
        float[] buffer = new float[processor.ValuesPerImage + 7];
        buffer.AsSpan().Fill(float.NaN); // a dirty pooled buffer

        Phi3VisionImageLayout layout = processor.ProcessInto(image, buffer);

        Assert.Equal(processor.Process(image).Layouts[0], layout);
        Assert.Equal(processor.Process(image).PixelValues.ToArray(), buffer.AsSpan(0, processor.ValuesPerImage).ToArray());
        Assert.True(float.IsNaN(buffer[^1])); // nothing written past the image's block
        Assert.Throws<ArgumentException>(() => processor.ProcessInto(image, new float[processor.ValuesPerImage - 1]));
    }

    [Fact]
    public void Config_reads_ort_genai_transform_attributes()
    {
        const string json = """
            {"processor": {"name": "image_processing", "transforms": [
              {"operation": {"name": "decode_image", "type": "DecodeImage", "attrs": {"color_space": "RGB"}}},
              {"operation": {"name": "convert_to_rgb", "type": "ConvertRGB"}},
              {"operation": {"name": "phi3_image_transform", "type": "Phi3ImageTransform", "attrs": {"num_crops": 16, "num_img_tokens": 144}}}
            ]}}
            """;
        Assert.Equal(16, ProcessorConfig.ParsePhi3Vision(json, new Phi3VisionProcessorOptions { NumCrops = 1 }).NumCrops);
    }

    [Fact]
    public void Config_reads_hugging_face_fields()
    {
        const string json = """{"num_crops": 4, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.25, 0.25, 0.25], "processor_class": "Phi3VProcessor"}""";
        Phi3VisionProcessorOptions options = ProcessorConfig.ParsePhi3Vision(json);
        Assert.Equal(4, options.NumCrops);
        Assert.Equal([0.5f, 0.5f, 0.5f], options.ImageMean);
        Assert.Equal([0.25f, 0.25f, 0.25f], options.ImageStd);
    }

    [Theory]
    [InlineData("{\"num_crops\": 0}")]
    [InlineData("{\"num_crops\": \"four\"}")]
    [InlineData("{\"image_std\": [1, 1]}")]
    [InlineData("[1]")]
    [InlineData("{not json")]
    public void Config_rejects_invalid_content(string json)
    {
        Assert.Throws<InvalidDataException>(() => ProcessorConfig.ParsePhi3Vision(json));
    }
}
