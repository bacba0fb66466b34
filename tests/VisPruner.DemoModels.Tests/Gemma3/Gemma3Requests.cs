using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntimeGenAI;
using SkiaSharp;

namespace VisPruner.DemoModels.Tests.Gemma3;

/// <summary>What the gemma3 tests feed ONNX Runtime GenAI: prompts, images and greedy runs.</summary>
internal static class Gemma3Requests
{
    public const int GreedyTokens = 4;
    public const string Question = "What is in this picture?";

    /// <summary>A user turn holding <paramref name="images"/> image markers and the question, as the chat template renders it.</summary>
    public static string Prompt(int images = 1) =>
        $"<bos><start_of_turn>user\n{string.Concat(Enumerable.Repeat("<start_of_image>", images))}{Question}<end_of_turn>\n<start_of_turn>model\n";

    /// <summary>Writes a PNG of the shared test picture (PNG: GenAI's image decoder ends the process on some BMPs).</summary>
    public static string WritePng(string folder, int width, int height)
    {
        using SKBitmap bitmap = SKBitmap.Decode(TestImages.Bmp(width, height));
        return Save(bitmap, Path.Combine(folder, $"image-{width}x{height}.png"));
    }

    /// <summary>Writes a PNG filled with one colour.</summary>
    public static string WriteSolidPng(string folder, int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        return Save(bitmap, Path.Combine(folder, $"solid-{width}x{height}.png"));
    }

    /// <summary>Runs greedy search for <see cref="GreedyTokens"/> tokens after the processor's prompt and returns them.</summary>
    public static int[] Generate(Model model, NamedTensors inputs, int promptLength)
    {
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", promptLength + GreedyTokens);
        using var generator = new Generator(model, parameters);
        generator.SetInputs(inputs);
        return Finish(generator, promptLength);
    }

    /// <summary>Runs greedy search to the end and returns the tokens after the prompt.</summary>
    public static int[] Finish(Generator generator, int promptLength)
    {
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        ReadOnlySpan<int> sequence = generator.GetSequence(0);
        Assert.Equal(promptLength + GreedyTokens, sequence.Length);
        return sequence[promptLength..].ToArray();
    }

    /// <summary>
    /// Sets a caller's input on <paramref name="generator"/>. GenAI reads <paramref name="data"/> in place when the prompt
    /// runs, so it stays pinned until the returned handle is disposed.
    /// </summary>
    public static IDisposable SetInput<T>(Generator generator, string name, T[] data, long[] shape, ElementType type)
        where T : unmanaged
    {
        var pin = new Pin(GCHandle.Alloc(data, GCHandleType.Pinned));
        try
        {
            using var tensor = new Tensor(pin.Address, shape, type);
            generator.SetModelInput(name, tensor);
            return pin;
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    private static string Save(SKBitmap bitmap, string path)
    {
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }

    private sealed class Pin(GCHandle handle) : IDisposable
    {
        public IntPtr Address => handle.AddrOfPinnedObject();

        public void Dispose() => handle.Free();
    }
}
