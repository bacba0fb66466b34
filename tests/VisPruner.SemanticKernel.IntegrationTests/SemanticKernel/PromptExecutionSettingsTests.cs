using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;
using VisPruner.Extensions.AI;
using VisPruner.SemanticKernel;

namespace VisPruner.SemanticKernel.IntegrationTests.SemanticKernel;

public sealed class PromptExecutionSettingsTests
{
    private static VisPrunerPromptExecutionSettings Full() => new()
    {
        ServiceId = "vision",
        MaxTokens = 40,
        Temperature = 0.5f,
        TopP = 0.9f,
        TopK = 12,
        Seed = 7,
        StopSequences = ["END"],
        TokensPerImage = 32,
        TokenFraction = 0.5,
        ImportantRatio = 0.25,
        Selector = VisualTokenSelectorKind.DivPrune,
    };

    [Fact]
    public void Settings_serialize_under_snake_case_names_and_leave_unset_ones_out()
    {
        JsonElement json = JsonSerializer.SerializeToElement(Full());
        JsonElement empty = JsonSerializer.SerializeToElement(new VisPrunerPromptExecutionSettings());

        Assert.Equal(40, json.GetProperty("max_tokens").GetInt32());
        Assert.Equal(12, json.GetProperty("top_k").GetInt32());
        Assert.Equal("END", json.GetProperty("stop_sequences")[0].GetString());
        Assert.Equal(32, json.GetProperty("tokens_per_image").GetInt32());
        Assert.Equal(0.5, json.GetProperty("token_fraction").GetDouble());
        Assert.Equal(0.25, json.GetProperty("important_ratio").GetDouble());
        Assert.Equal("DivPrune", json.GetProperty("selector").GetString());
        Assert.False(empty.TryGetProperty("max_tokens", out _));
        Assert.False(empty.TryGetProperty("selector", out _));
    }

    [Fact]
    public void Generic_settings_from_a_prompt_configuration_become_typed_and_keep_the_rest()
    {
        var generic = JsonSerializer.Deserialize<PromptExecutionSettings>("""
            { "service_id": "vision", "max_tokens": "64", "temperature": 0.2, "tokens_per_image": 48, "selector": "Uniform", "custom": "kept" }
            """)!;
        generic.FunctionChoiceBehavior = FunctionChoiceBehavior.Required();

        VisPrunerPromptExecutionSettings settings = VisPrunerPromptExecutionSettings.FromExecutionSettings(generic);

        Assert.Equal("vision", settings.ServiceId);
        Assert.Equal(64, settings.MaxTokens);
        Assert.Equal(0.2f, settings.Temperature);
        Assert.Equal(48, settings.TokensPerImage);
        Assert.Equal(VisualTokenSelectorKind.Uniform, settings.Selector);
        Assert.Same(generic.FunctionChoiceBehavior, settings.FunctionChoiceBehavior);
        Assert.Equal("kept", settings.ExtensionData!["custom"].ToString());
        Assert.Null(VisPrunerPromptExecutionSettings.FromExecutionSettings(null).MaxTokens);
        VisPrunerPromptExecutionSettings own = Full();
        Assert.Same(own, VisPrunerPromptExecutionSettings.FromExecutionSettings(own));
    }

    [Fact]
    public void Out_of_range_settings_are_refused_naming_the_setting()
    {
        var tokens = Assert.Throws<ArgumentOutOfRangeException>(() => new VisPrunerPromptExecutionSettings { TokensPerImage = 0 });
        var fraction = Assert.Throws<ArgumentOutOfRangeException>(() => VisPrunerPromptExecutionSettings.FromExecutionSettings(
            new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["token_fraction"] = 1.5 } }));
        var maxTokens = Assert.Throws<ArgumentOutOfRangeException>(() => new VisPrunerPromptExecutionSettings { MaxTokens = -1 });
        var wrongType = Assert.Throws<ArgumentException>(() => VisPrunerPromptExecutionSettings.FromExecutionSettings(
            new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["selector"] = "Sharpest" } }));

        Assert.Equal(nameof(VisPrunerPromptExecutionSettings.TokensPerImage), tokens.ParamName);
        Assert.Equal(nameof(VisPrunerPromptExecutionSettings.TokenFraction), fraction.ParamName);
        Assert.Contains("(0, 1]", fraction.Message, StringComparison.Ordinal);
        Assert.Equal(nameof(VisPrunerPromptExecutionSettings.MaxTokens), maxTokens.ParamName);
        Assert.Contains("selector", wrongType.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Frozen_settings_refuse_changes_and_clones_are_independent()
    {
        VisPrunerPromptExecutionSettings settings = Full();
        var clone = (VisPrunerPromptExecutionSettings)settings.Clone();
        settings.Freeze();

        Assert.Throws<InvalidOperationException>(() => settings.TokensPerImage = 8);
        Assert.Throws<NotSupportedException>(() => settings.StopSequences!.Add("STOP"));
        clone.TokensPerImage = 8;
        clone.StopSequences!.Add("STOP");
        Assert.Equal(32, settings.TokensPerImage);
        Assert.Equal(["END"], settings.StopSequences);
        Assert.Equal(JsonSerializer.Serialize(Full()), JsonSerializer.Serialize((VisPrunerPromptExecutionSettings)Full().Clone()));
    }

    [Fact]
    public void Semantic_Kernels_conversion_carries_every_setting_into_the_chat_options_the_client_reads()
    {
        // The client's own mapping of these ChatOptions into the engine request is tested with the client.
        ChatOptions options = Full().ToChatOptions(kernel: null)!;

        Assert.Equal(40, options.MaxOutputTokens);
        Assert.Equal(0.5f, options.Temperature!.Value, 1e-6f);
        Assert.Equal(0.9f, options.TopP!.Value, 1e-6f);
        Assert.Equal(12, options.TopK);
        Assert.Equal(7, options.Seed);
        Assert.Equal(["END"], options.StopSequences);
        Assert.Equal(VisualTokenSelectorKind.DivPrune.ToString(), options.AdditionalProperties![VisPrunerPropertyNames.Selector]?.ToString());
        Assert.Equal("32", options.AdditionalProperties[VisPrunerPropertyNames.TokensPerImage]?.ToString());
        Assert.Equal("0.5", options.AdditionalProperties[VisPrunerPropertyNames.TokenFraction]?.ToString());
        Assert.Equal("0.25", options.AdditionalProperties[VisPrunerPropertyNames.ImportantRatio]?.ToString());
        Assert.DoesNotContain(options.AdditionalProperties.Keys, key => !key.StartsWith("vispruner.", StringComparison.Ordinal));
    }
}
