using System.Diagnostics;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Imaging;

namespace VisPruner.Engine.Tests.Generation;

/// <summary>Requests built to cost the host memory or time, or to confuse it, are refused early and clearly.</summary>
public sealed class HostileRequestTests(TinyModelFixture models) : IClassFixture<TinyModelFixture>
{
    private static GenerationRequest WithImages(params byte[][] images) => new(
        [new ChatTurn(TurnRole.User, [.. images.Select(_ => (ChatPart)new ImagePart()), new TextPart("Compare them.")])],
        [.. images.Select(i => ImageInput.FromBytes(i))],
        new GenerationOptions { MaxNewTokens = 2, Pruning = Pruning.VisualTokenPruningOptions.Disabled });

    [Fact]
    public async Task Twenty_images_declaring_ten_thousand_pixels_square_are_refused_by_count_before_decoding()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        byte[][] images = [.. Enumerable.Range(0, 20).Select(_ => HeaderOnlyImages.Png(10_000, 10_000))];

        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RequestLimitExceededException>(() => engine.CompleteAsync(WithImages(images)));

        Assert.Equal("ImageLimits.MaxImagesPerRequest", ex.LimitName);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"refused after {clock.Elapsed}");
    }

    [Fact]
    public async Task An_image_over_the_pixel_cap_is_refused_from_its_header_naming_the_cap()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);

        var ex = await Assert.ThrowsAsync<ImageLimitExceededException>(() => engine.CompleteAsync(WithImages(HeaderOnlyImages.Png(10_000, 10_000))));

        Assert.Equal("ImageLimits.MaxPixelsPerImage", ex.OptionName);
        Assert.Contains("Image 1 of the request", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ImageLimits.MaxPixelsPerImage", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Images_over_the_total_pixel_cap_together_are_refused_naming_it()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        byte[] large = HeaderOnlyImages.Png(7_000, 7_000); // 49 million pixels each

        var ex = await Assert.ThrowsAsync<RequestLimitExceededException>(() => engine.CompleteAsync(WithImages(large, large, large)));

        Assert.Equal("ImageLimits.MaxTotalPixels", ex.LimitName);
    }

    [Fact]
    public async Task A_degenerate_aspect_ratio_is_refused_naming_the_cap()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);

        var ex = await Assert.ThrowsAsync<ImageLimitExceededException>(() => engine.CompleteAsync(WithImages(HeaderOnlyImages.Png(100_000_000, 1))));

        Assert.StartsWith("ImageLimits.", ex.OptionName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prompt_that_cannot_fit_is_refused_from_the_headers_without_decoding_anything()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);

        // Six 2x2-crop images of 757 tokens each overflow the 4,096-token context. The files hold no pixels, so any
        // attempt to decode them would fail with an invalid-image error instead.
        byte[] header = HeaderOnlyImages.Png(1000, 1000);
        await Assert.ThrowsAsync<PromptTooLongException>(() => engine.CompleteAsync(WithImages(header, header, header, header, header, header)));
    }

    [Fact]
    public async Task Devices_and_FIFOs_are_refused_without_being_opened()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // FIFOs and /dev paths are Linux's
        }

        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        string fifo = Path.Combine(Path.GetTempPath(), "vispruner-fifo-" + Guid.NewGuid().ToString("N"));
        using (Process make = Process.Start("mkfifo", fifo))
        {
            await make.WaitForExitAsync();
        }

        try
        {
            foreach (string path in new[] { fifo, "/dev/zero", "/dev/urandom" })
            {
                var request = new GenerationRequest([new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What?")])], [ImageInput.FromFile(path)]);
                var clock = Stopwatch.StartNew();
                var ex = await Assert.ThrowsAsync<InvalidImageException>(() => engine.CompleteAsync(request));
                Assert.Contains("not a regular", ex.Message, StringComparison.Ordinal);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{path}: refused after {clock.Elapsed}");
            }
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Theory]
    [InlineData("stop")]
    [InlineData("temperature")]
    [InlineData("messages")]
    public async Task Malformed_settings_are_clear_argument_errors(string what)
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        Func<GenerationRequest> build = what switch
        {
            "stop" => () => new GenerationRequest([new ChatTurn(TurnRole.User, "Hi")], options: new GenerationOptions { StopSequences = [null!] }),
            "temperature" => () => new GenerationRequest([new ChatTurn(TurnRole.User, "Hi")], options: new GenerationOptions { Temperature = double.PositiveInfinity }),
            _ => () => new GenerationRequest([]),
        };

        ArgumentException ex = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await engine.CompleteAsync(build()));
        Assert.Contains(what switch { "stop" => "StopSequences", "temperature" => "Temperature", _ => "message" }, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_whose_schema_is_not_an_object_is_refused_naming_it()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        var request = new GenerationRequest([new ChatTurn(TurnRole.User, "Hi")]) { Tools = [new ToolDefinition("lookup", null, "[1,2,3]")] };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => engine.CompleteAsync(request));
        Assert.Contains("'lookup'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tokenizer_config.json")]
    [InlineData("tokenizer.json")]
    [InlineData("processor_config.json")]
    public async Task A_garbage_configuration_file_is_named(string file)
    {
        string folder = models.CopyOf(models.GrowingKvFolder);
        await File.WriteAllTextAsync(Path.Combine(folder, file), "garbage{");

        var ex = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(folder));
        Assert.Equal(file, ex.File);
    }
}
