using System.Diagnostics;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace VisPruner.Cli.Bench;

/// <summary>
/// What a user of ONNX Runtime GenAI runs without this library: its <see cref="MultiModalProcessor"/> on the image and
/// prompt, <see cref="Generator.SetInputs"/>, then greedy tokens. Its processor always applies the 16-crop HD transform.
/// </summary>
internal sealed class GenAiOwnPath(string folder, string imagePath, string question, int answerTokens) : IDisposable
{
    private readonly Model _model = new(folder);

    public BenchSample Run(long kvBytesPerToken)
    {
        using var processor = new MultiModalProcessor(_model);
        string prompt = $"<s><|user|>\n<|image_1|>\n{question}<|end|>\n<|assistant|>\n";
        var clock = Stopwatch.StartNew();
        using Images images = Images.Load([imagePath]);
        using NamedTensors inputs = processor.ProcessImages(prompt, images);
        TimeSpan preprocessing = clock.Elapsed;

        using var parameters = new GeneratorParams(_model);
        parameters.SetSearchOption("max_length", 4096);
        parameters.SetSearchOption("min_length", 4000); // every row generates the same number of tokens
        using var generator = new Generator(_model, parameters);
        generator.SetInputs(inputs);
        long[] ids;
        using (Tensor inputIds = generator.GetInput("input_ids"))
        {
            ids = inputIds.GetData<long>().ToArray();
        }

        TimeSpan beforeFirst = clock.Elapsed;
        generator.GenerateNextToken(); // vision encoder, embedding and prefill, then the first token
        TimeSpan firstToken = clock.Elapsed;
        for (int i = 1; i < answerTokens; i++)
        {
            generator.GenerateNextToken();
        }

        double decodeSeconds = (clock.Elapsed - firstToken).TotalSeconds;
        int visual = ids.Count(id => id < 0);
        return new BenchSample(
            BenchCommand.CropsOf(visual), visual, ids.Length, firstToken.TotalMilliseconds, preprocessing.TotalMilliseconds, double.NaN,
            (firstToken - beforeFirst).TotalMilliseconds, (answerTokens - 1) / decodeSeconds, kvBytesPerToken * (ids.Length + answerTokens));
    }

    public void Dispose() => _model.Dispose();
}
