using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using VisPruner.Engine.Families;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging;
using VisPruner.Imaging.Png;

namespace VisPruner.Engine.Tests.Phi4Multimodal;

/// <summary>A phi4mm demo folder as published (speech model included), written once per test class, and PNG images for it.</summary>
public sealed class Phi4MultimodalFolder : IDisposable
{
    public Phi4MultimodalFolder() => Info = TinyPhi4MultimodalModel.Write(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vispruner-phi4mm-" + Guid.NewGuid().ToString("N"));

    public TinyPhi4MultimodalModelInfo Info { get; }

    /// <summary>
    /// A PNG file of a conformance image, or of the test picture of a "WxH" size. PNG, because GenAI 0.20's phi4mm
    /// image decoder takes a BMP for a JPEG and ends the process.
    /// </summary>
    public string Image(string name)
    {
        if (!name.Contains('x', StringComparison.Ordinal) || name.EndsWith(".png", StringComparison.Ordinal))
        {
            return System.IO.Path.Combine(AppContext.BaseDirectory, "Conformance", "Images", name);
        }

        string path = System.IO.Path.Combine(Path, $"picture-{name}.png");
        if (!File.Exists(path))
        {
            int[] size = [.. name.Split('x').Select(int.Parse)];
            File.WriteAllBytes(path, PngEncoder.EncodeToBytes(ImageDecoder.Decode(TestImages.Bmp(size[0], size[1], variant: 5))));
        }

        return path;
    }

    /// <summary>Writes another folder, then lets <paramref name="edit"/> change it (the copies go when the fixture does).</summary>
    public string Variant(Action<string> edit, TinyPhi4MultimodalOptions? options = null)
    {
        string variant = System.IO.Path.Combine(Path, "variants", Guid.NewGuid().ToString("N"));
        TinyPhi4MultimodalModel.Write(variant, options);
        edit(variant);
        return variant;
    }

    /// <summary>
    /// A folder whose tokenizer has the tool-call tags as Phi-4-multimodal's published tokenizer does: added tokens at
    /// 200025 and 200026 that are not special (<c>"special": false</c>, <c>"rstrip": true</c>), which GenAI's stream
    /// decodes to their text; the demo's are special, which it decodes to nothing.
    /// </summary>
    public string WithPublishedToolCallTokens() => Variant(variant =>
    {
        TinyModelFixture.EditJson(variant, "tokenizer.json", root =>
        {
            foreach (JsonNode? token in root["added_tokens"]!.AsArray().Where(t => (int)t!["id"]! is 200025 or 200026))
            {
                token!["special"] = false;
                token["rstrip"] = true;
            }
        });
        TinyModelFixture.EditJson(variant, "tokenizer_config.json", root =>
        {
            foreach (string id in new[] { "200025", "200026" })
            {
                root["added_tokens_decoder"]![id]!["special"] = false;
                root["added_tokens_decoder"]![id]!["rstrip"] = true;
            }
        });
    });

    /// <summary>Loads <paramref name="folder"/>'s model and pipeline as the engine does, for tests that read prepared prompts.</summary>
    internal static async Task<(GenAiModel Model, IMultimodalPipeline Pipeline, GenAiConfig Config)> LoadPipelineAsync(string folder, MultimodalEngineOptions? options = null)
    {
        GenAiConfig config = GenAiConfig.Load(System.IO.Path.Combine(folder, GenAiConfig.FileName));
        options ??= new MultimodalEngineOptions();
        GenAiModel model = GenAiModel.Load(folder, config, options);
        return (model, await ModelFamilies.LoadAsync(folder, config, model, options, NullLogger.Instance, CancellationToken.None), config);
    }

    /// <summary>The prompt <paramref name="pipeline"/> prepares for <paramref name="request"/>.</summary>
    internal static async Task<PreparedPrompt> PrepareAsync(IMultimodalPipeline pipeline, GenAiConfig config, GenerationRequest request)
    {
        RequestImage[] read = await RequestImages.ReadAsync(request.Images, new ImageLimits(), CancellationToken.None);
        return await pipeline.PrepareAsync(request, read, config.Model.ContextLength, CancellationToken.None);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
