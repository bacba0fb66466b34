using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

namespace VisPruner.Engine.Tests.Generation;

/// <summary>The engine passes constraints to ONNX Runtime GenAI's guidance: the random demo model's output obeys them.</summary>
public sealed class OutputConstraintTests(TinyModelFixture models) : IClassFixture<TinyModelFixture>
{
    private static GenerationRequest Ask(OutputConstraint constraint) => new(
        [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("Is there a cat?")])],
        [ImageInput.FromBytes(TestImages.Bmp(300, 200))],
        new GenerationOptions { MaxNewTokens = 40, Constraint = constraint });

    [Fact]
    public async Task A_regular_expression_constrains_the_whole_answer()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);

        GenerationResult result = await engine.CompleteAsync(Ask(OutputConstraint.Regex("(yes|no), [0-9]{1,2} cats?")));

        Assert.Matches("^(yes|no), [0-9]{1,2} cats?$", result.Text);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
    }

    [Fact]
    public async Task A_JSON_schema_constrains_the_answer_to_matching_JSON()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);
        const string schema = """{"type":"object","properties":{"cat":{"type":"boolean"}},"required":["cat"],"additionalProperties":false,"x-guidance":{"whitespace_flexible":false}}""";

        GenerationResult result = await engine.CompleteAsync(Ask(OutputConstraint.JsonSchema(schema)));

        using var json = System.Text.Json.JsonDocument.Parse(result.Text);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, json.RootElement.ValueKind);
        Assert.True(json.RootElement.GetProperty("cat").ValueKind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False);
    }

    [Fact]
    public async Task An_invalid_grammar_is_an_argument_error_naming_the_constraint_and_the_engine_still_answers()
    {
        using MultimodalEngine engine = await MultimodalEngine.LoadAsync(models.GrowingKvFolder);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => engine.CompleteAsync(Ask(OutputConstraint.LarkGrammar("start: ((("))));
        Assert.Contains("GenerationOptions.Constraint", ex.Message, StringComparison.Ordinal);

        GenerationResult after = await engine.CompleteAsync(Ask(OutputConstraint.Regex("yes|no")));
        Assert.True(after.Text is "yes" or "no", after.Text);
    }
}
