using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Engine.Tests.ChatTemplates;

/// <summary>The engine's phi4mm template renders what the phi4mm demo folder's own chat template (run by GenAI) renders.</summary>
public sealed class Phi4MultimodalTemplateParityTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vispruner-phi4mm-template-" + Guid.NewGuid().ToString("N"));

    public Phi4MultimodalTemplateParityTests() => TinyPhi4MultimodalModel.Write(_folder, new TinyPhi4MultimodalOptions { WithSpeech = false });

    [Fact]
    public void The_tokenizer_config_chat_template_renders_what_the_engine_template_renders()
    {
        using var model = new Model(_folder);
        using var tokenizer = new Tokenizer(model);
        string template = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "tokenizer_config.json"))).RootElement.GetProperty("chat_template").GetString()!;
        const string messages = """[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is this?"}, {"role": "assistant", "content": "A cat."}, {"role": "user", "content": "Sure?"}]""";

        string rendered = tokenizer.ApplyChatTemplate(template, messages, null, true);

        string ours = new Phi4MultimodalChatTemplate().Render(
        [
            new ChatTurn(TurnRole.System, "Be brief."), new ChatTurn(TurnRole.User, "What is this?"),
            new ChatTurn(TurnRole.Assistant, "A cat."), new ChatTurn(TurnRole.User, "Sure?"),
        ]).Text;
        Assert.Equal(ours, rendered);

        // Chat markers are single tokens at Phi-4's ids, and no BOS is added.
        using Sequences sequences = tokenizer.Encode(ours);
        int[] ids = sequences[0].ToArray();
        Assert.Equal(200022, ids[0]); // <|system|>
        Assert.Equal(200019, ids[^1]); // <|assistant|>
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
