using System.Text.Json.Nodes;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Pruning;

namespace VisPruner.Engine.Tests.Gemma3;

/// <summary>
/// The engine on gemma3 folders: loading, the checks made before ONNX Runtime GenAI sees a folder, and answers to image,
/// multi-image and text requests on either rank of <c>image_features</c> (each of which GenAI 0.20's own path fails on one).
/// </summary>
public sealed class Gemma3EngineTests(Gemma3Folder folder) : IClassFixture<Gemma3Folder>
{
    private const int Tokens = 4;

    private static GenerationRequest Ask(int images, VisualTokenPruningOptions? pruning = null) => new(
        [new ChatTurn(TurnRole.User, [.. Enumerable.Repeat<ChatPart>(new ImagePart(), images), new TextPart("What is shown?")])],
        [.. Enumerable.Range(0, images).Select(i => ImageInput.FromBytes(TestImages.Bmp(640 - (100 * i), 480, variant: i)))],
        new GenerationOptions { MaxNewTokens = Tokens, MinNewTokens = Tokens, Pruning = pruning ?? VisualTokenPruningOptions.Disabled });

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public async Task A_folder_of_either_rank_answers_text_one_BMP_image_and_two_images(int rank)
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder.Of($"rank{rank}"));
        Assert.Equal(("gemma3", "gemma3"), (engine.ModelType, engine.ChatTemplate.ModelType));

        GenerationResult text = await engine.CompleteAsync(Ask(0));
        GenerationResult one = await engine.CompleteAsync(Ask(1));
        GenerationResult two = await engine.CompleteAsync(Ask(2));

        Assert.Equal((0, 256, 512), (text.Statistics.VisualTokens, one.Statistics.VisualTokens, two.Statistics.VisualTokens));
        Assert.Equal(256 + 4, one.Statistics.PromptTokens - text.Statistics.PromptTokens); // the soft tokens and their frame
        Assert.Equal(2 * (256 + 4), two.Statistics.PromptTokens - text.Statistics.PromptTokens);
        Assert.All(new[] { text, one, two }, r => Assert.Equal(Tokens, r.Statistics.CompletionTokens));
    }

    [Fact]
    public async Task A_conversation_that_goes_on_after_an_image_runs_on_a_rank_3_folder()
    {
        // The image's rows go in with the first append; the later turns follow in more appends, each of which hands the
        // rank-3 embedding an empty image_features of its rank.
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(folder.Path);
        string longAnswer = string.Join(" ", Enumerable.Repeat("It shows a gradient with a dark square in one corner.", 12));
        var request = new GenerationRequest(
            [
                new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is shown?")]),
                new ChatTurn(TurnRole.Assistant, longAnswer),
                new ChatTurn(TurnRole.User, "And the colours?"),
            ],
            [ImageInput.FromBytes(TestImages.Bmp(640, 480))],
            new GenerationOptions { MaxNewTokens = Tokens, MinNewTokens = Tokens, Pruning = VisualTokenPruningOptions.Disabled });

        GenerationResult result = await engine.CompleteAsync(request);

        Assert.Equal(256, result.Statistics.VisualTokens);
        Assert.True(result.Statistics.PromptTokens - result.Statistics.VisualTokens > 2 * 50, "the text after the image takes more than one append");
        Assert.Equal(Tokens, result.Statistics.CompletionTokens);
    }

    public static TheoryData<string, string, string?> BrokenFolders() => new()
    {
        { "no embedding", GenAiConfig.FileName, "model.embedding" },
        { "no vision", GenAiConfig.FileName, "model.vision" },
        { "embedding input renamed", TinyGemma3Model.EmbeddingFileName, null },
        { "processor resizes to 448", TinyGemma3Model.ProcessorFileName, null },
        { "no soft token", ConfiguredFile.TokenizerFileName, null },
    };

    [Theory]
    [MemberData(nameof(BrokenFolders))]
    public async Task A_folder_the_engine_cannot_run_is_refused_naming_the_file_and_field(string breakage, string file, string? field)
    {
        string broken = folder.Variant(f =>
        {
            switch (breakage)
            {
                case "no embedding":
                    TinyModelFixture.EditConfig(f, root => root["model"]!.AsObject().Remove("embedding"));
                    break;
                case "no vision":
                    TinyModelFixture.EditConfig(f, root => root["model"]!.AsObject().Remove("vision"));
                    break;
                case "embedding input renamed":
                    TinyModelFixture.EditConfig(f, root => root["model"]!["embedding"]!["inputs"]!["image_features"] = "features");
                    break;
                case "processor resizes to 448":
                    Replace(Path.Combine(f, TinyGemma3Model.ProcessorFileName), "\"width\": 896", "\"width\": 448");
                    break;
                default:
                    // The token is gone from both files that declare it.
                    JsonNode tokenizer = JsonNode.Parse(File.ReadAllText(Path.Combine(f, ConfiguredFile.TokenizerFileName)))!;
                    JsonArray added = tokenizer["added_tokens"]!.AsArray();
                    added.Remove(added.Single(t => (string?)t!["content"] == "<image_soft_token>"));
                    File.WriteAllText(Path.Combine(f, ConfiguredFile.TokenizerFileName), tokenizer.ToJsonString());
                    JsonNode settings = JsonNode.Parse(File.ReadAllText(Path.Combine(f, ConfiguredFile.TokenizerConfigFileName)))!;
                    settings["added_tokens_decoder"]!.AsObject().Remove(folder.Info.ImageTokenId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    File.WriteAllText(Path.Combine(f, ConfiguredFile.TokenizerConfigFileName), settings.ToJsonString());
                    break;
            }
        });

        var error = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(broken));
        Assert.Equal(file, error.File);
        Assert.Equal(field, error.Field);
        Assert.Contains(breakage switch
        {
            "embedding input renamed" => "has no input 'features'",
            "processor resizes to 448" => "Resize 'width' is 448",
            "no soft token" => "'<image_soft_token>'",
            _ => "is missing",
        }, error.Message, StringComparison.Ordinal);
    }

    private static void Replace(string path, string find, string replace)
    {
        string text = File.ReadAllText(path);
        Assert.Contains(find, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));
    }
}
