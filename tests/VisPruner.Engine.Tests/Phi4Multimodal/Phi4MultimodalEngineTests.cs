using System.Text.Json.Nodes;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;

namespace VisPruner.Engine.Tests.Phi4Multimodal;

/// <summary>The engine on phi4mm folders: loading, the checks made before ONNX Runtime GenAI sees a folder, and answers.</summary>
public sealed class Phi4MultimodalEngineTests(Phi4MultimodalFolder folder) : IClassFixture<Phi4MultimodalFolder>
{
    private const int Tokens = 6;

    private static GenerationRequest Ask(byte[]? image, VisualTokenPruningOptions? pruning = null) => new(
        [new ChatTurn(TurnRole.User, [.. image is null ? Array.Empty<ChatPart>() : [new ImagePart()], new TextPart("What is shown?")])],
        image is null ? [] : [ImageInput.FromBytes(image)],
        new GenerationOptions { MaxNewTokens = Tokens, MinNewTokens = Tokens, Pruning = pruning ?? VisualTokenPruningOptions.Disabled });

    [Fact]
    public async Task A_phi4mm_folder_loads_and_answers_a_BMP_image_and_a_text_question()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder.Path);
        Assert.Equal("phi4mm", engine.ModelType);
        Assert.Equal("phi4mm", engine.ChatTemplate.ModelType);

        // A BMP: the engine decodes it itself; GenAI's phi4mm image decoder would end the process on one.
        GenerationResult image = await engine.CompleteAsync(Ask(TestImages.Bmp(448, 448)));
        GenerationResult text = await engine.CompleteAsync(Ask(null));

        Assert.Equal(545, image.Statistics.VisualTokensBeforePruning);
        Assert.Equal(545, image.Statistics.VisualTokens);
        Assert.Equal(text.Statistics.PromptTokens + 545 + 0, image.Statistics.PromptTokens);
        Assert.Equal((Tokens, Tokens), (image.Statistics.CompletionTokens, text.Statistics.CompletionTokens));
        Assert.Equal(0, text.Statistics.VisualTokens);
    }

    [Fact]
    public async Task A_folder_without_speech_and_one_naming_a_vision_adapter_that_is_not_there_both_run()
    {
        string visionOnly = folder.Variant(_ => { }, new TinyPhi4MultimodalOptions { WithSpeech = false });
        string adapter = folder.Variant(f => TinyModelFixture.EditConfig(f, root => root["model"]!["vision"]!["adapter_filename"] = "phi-4-mm-vision.onnx_adapter"));
        foreach (string path in new[] { visionOnly, adapter })
        {
            using MultimodalEngine engine = await MultimodalEngine.LoadAsync(path);
            GenerationResult result = await engine.CompleteAsync(Ask(TestImages.Bmp(448, 448)));
            Assert.Equal(545, result.Statistics.VisualTokens);
        }
    }

    public static TheoryData<string, string> BrokenSpeechSections() => new()
    {
        { "no section", "model.speech" },
        { "model name empty", "model.speech.filename" },
        { "config name empty", "model.speech.config_filename" },
        { "no embedding", "model.embedding" },
    };

    [Theory]
    [MemberData(nameof(BrokenSpeechSections))]
    public async Task A_folder_GenAI_would_refuse_is_refused_naming_the_field(string breakage, string field)
    {
        string broken = folder.Variant(f => TinyModelFixture.EditConfig(f, root =>
        {
            JsonObject model = root["model"]!.AsObject();
            switch (breakage)
            {
                case "no section":
                    model.Remove("speech");
                    break;
                case "model name empty":
                    model["speech"]!["filename"] = string.Empty;
                    break;
                case "config name empty":
                    model["speech"]!["config_filename"] = string.Empty;
                    break;
                default:
                    model.Remove("embedding");
                    break;
            }
        }));

        var error = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(broken));
        Assert.Equal(field, error.Field);
        Assert.Equal(GenAiConfig.FileName, error.File);
    }

    [Fact]
    public async Task A_missing_speech_model_and_an_unsupported_processor_setting_are_named()
    {
        string noSpeech = folder.Variant(f => File.Delete(Path.Combine(f, TinyPhi4MultimodalModel.SpeechFileName)));
        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => MultimodalEngine.LoadAsync(noSpeech));
        Assert.Contains("speech model", missing.Message, StringComparison.Ordinal);
        Assert.Contains(TinyPhi4MultimodalModel.SpeechFileName, missing.Message, StringComparison.Ordinal);

        string processor = folder.Variant(f =>
        {
            string path = Path.Combine(f, TinyPhi4MultimodalModel.VisionProcessorFileName);
            File.WriteAllText(path, File.ReadAllText(path).Replace("\"dyhd_base_resolution\": 448", "\"dyhd_base_resolution\": 384", StringComparison.Ordinal));
        });
        var unsupported = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(processor));
        Assert.Equal(TinyPhi4MultimodalModel.VisionProcessorFileName, unsupported.File);
        Assert.Contains("'dyhd_base_resolution' is 384", unsupported.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_too_elongated_for_the_HD_transform_is_refused_naming_it()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder.Path);

        // 500 x 5 fills a 2 x 1 grid 896 wide, which leaves 8 rows: Hugging Face refuses a side under 10.
        var error = await Assert.ThrowsAsync<ArgumentException>(() => engine.CompleteAsync(Ask(TestImages.Bmp(500, 5))));
        Assert.Contains("Image 1 of the request", error.Message, StringComparison.Ordinal);
        Assert.Contains("too elongated", error.Message, StringComparison.Ordinal);
    }
}
