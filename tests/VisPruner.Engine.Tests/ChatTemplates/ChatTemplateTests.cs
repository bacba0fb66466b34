using VisPruner.Engine.ChatTemplates;

namespace VisPruner.Engine.Tests.ChatTemplates;

/// <summary>Templates render the exact prompt formats the model families were trained on.</summary>
public class ChatTemplateTests
{
    private static readonly ToolDefinition Weather = new(
        "get_weather",
        "Current weather for a city.",
        """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");

    [Fact]
    public void Phi3v_renders_the_documented_single_image_prompt()
    {
        var prompt = new Phi3VisionChatTemplate().Render(
        [
            new ChatTurn(TurnRole.System, "You are helpful."),
            new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("What is this?")]),
        ]).Text;

        Assert.Equal("<|system|>\nYou are helpful.<|end|>\n<|user|>\n<|image_1|>\nWhat is this?<|end|>\n<|assistant|>\n", prompt);
    }

    [Fact]
    public void Phi3v_numbers_images_across_turns_and_closes_history_turns()
    {
        var prompt = new Phi3VisionChatTemplate().Render(
        [
            new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("Describe it.")]),
            new ChatTurn(TurnRole.Assistant, "A cat."),
            new ChatTurn(TurnRole.User, [new ImagePart(), new ImagePart(), new TextPart("And these?")]),
        ], new ChatTemplateOptions { AddGenerationPrompt = false }).Text;

        Assert.Equal(
            "<|user|>\n<|image_1|>\nDescribe it.<|end|>\n<|assistant|>\nA cat.<|end|>\n<|user|>\n<|image_2|>\n<|image_3|>\nAnd these?<|end|>\n<|endoftext|>",
            prompt);
    }

    [Fact]
    public void Phi3v_describes_tools_in_the_system_turn_and_groups_tool_results_in_a_user_turn()
    {
        var prompt = new Phi3VisionChatTemplate().Render(
        [
            new ChatTurn(TurnRole.System, "Be brief."),
            new ChatTurn(TurnRole.User, "Weather in Paris and Rome?"),
            new ChatTurn(TurnRole.Assistant, [new ToolCallPart("1", "get_weather", """{"city":"Paris"}"""), new ToolCallPart("2", "get_weather", """{"city":"Rome"}""")]),
            new ChatTurn(TurnRole.Tool, [new ToolResultPart("1", "18C")]),
            new ChatTurn(TurnRole.Tool, [new ToolResultPart("2", "24C")]),
        ], new ChatTemplateOptions { Tools = [Weather] }).Text;

        Assert.StartsWith("<|system|>\nBe brief.\n\n# Tools\n", prompt, StringComparison.Ordinal);
        Assert.Contains(
            "\n<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Current weather for a city.\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n</tools>\n",
            prompt,
            StringComparison.Ordinal);
        Assert.EndsWith(
            "<|user|>\nWeather in Paris and Rome?<|end|>\n"
            + "<|assistant|>\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}\n</tool_call><|end|>\n"
            + "<|user|>\n<tool_response>\n18C\n</tool_response>\n<tool_response>\n24C\n</tool_response><|end|>\n<|assistant|>\n",
            prompt,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Qwen25vl_renders_chatml_with_default_system_vision_markers_and_tools()
    {
        var prompt = new Qwen25VisionChatTemplate().Render(
        [
            new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("Weather where this photo was taken?")]),
            new ChatTurn(TurnRole.Assistant, [new TextPart("Checking."), new ToolCallPart("1", "get_weather", """{"city": "Paris"}""")]),
            new ChatTurn(TurnRole.Tool, [new ToolResultPart("1", """{"temp": 18}""")]),
        ], new ChatTemplateOptions { Tools = [Weather] }).Text;

        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
            + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Current weather for a city.\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n</tools>\n\n"
            + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
            + "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Weather where this photo was taken?<|im_end|>\n"
            + "<|im_start|>assistant\nChecking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
            + "<|im_start|>user\n<tool_response>\n{\"temp\": 18}\n</tool_response><|im_end|>\n"
            + "<|im_start|>assistant\n",
            prompt);
    }

    [Fact]
    public void Phi4mm_renders_tools_calls_and_results_without_newlines()
    {
        var prompt = new Phi4MultimodalChatTemplate().Render(
        [
            new ChatTurn(TurnRole.System, "You are helpful."),
            new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart("Weather there?")]),
            new ChatTurn(TurnRole.Assistant, [new ToolCallPart("1", "get_weather", """{"city":"Oslo"}""")]),
            new ChatTurn(TurnRole.Tool, [new ToolResultPart("1", "-3C")]),
        ], new ChatTemplateOptions { Tools = [Weather] }).Text;

        Assert.Equal(
            "<|system|>You are helpful.<|tool|>[{\"name\": \"get_weather\", \"description\": \"Current weather for a city.\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}]<|/tool|><|end|>"
            + "<|user|><|image_1|>Weather there?<|end|>"
            + "<|assistant|><|tool_call|>[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}]<|/tool_call|><|end|>"
            + "<|tool_response|>-3C<|end|><|assistant|>",
            prompt);
    }

    [Fact]
    public void Tools_without_a_system_turn_get_one()
    {
        var phi3 = new Phi3VisionChatTemplate().Render([new ChatTurn(TurnRole.User, "Hi")], new ChatTemplateOptions { Tools = [Weather] }).Text;
        var phi4 = new Phi4MultimodalChatTemplate().Render([new ChatTurn(TurnRole.User, "Hi")], new ChatTemplateOptions { Tools = [Weather] }).Text;

        Assert.StartsWith("<|system|>\n# Tools\n", phi3, StringComparison.Ordinal);
        Assert.StartsWith("<|system|><|tool|>[{\"name\": \"get_weather\"", phi4, StringComparison.Ordinal);
    }

    [Fact]
    public void Tool_json_keeps_non_ascii_and_escapes_control_characters_like_python()
    {
        var prompt = new Qwen25VisionChatTemplate().Render(
            [new ChatTurn(TurnRole.Assistant, [new ToolCallPart("1", "say", """{"text":"héllo \"日本\"\n\u0001","n":[1,2.5,true,null]}""")])],
            new ChatTemplateOptions { AddGenerationPrompt = false }).Text;

        Assert.Contains("{\"name\": \"say\", \"arguments\": {\"text\": \"héllo \\\"日本\\\"\\n\\u0001\", \"n\": [1, 2.5, true, null]}}", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Content_a_role_cannot_carry_and_invalid_json_are_rejected_with_argument_exceptions()
    {
        var template = new Phi3VisionChatTemplate();

        var image = Assert.Throws<ArgumentException>(() => template.Render([new ChatTurn(TurnRole.Assistant, [new ImagePart()])]));
        Assert.Contains("Assistant", image.Message, StringComparison.Ordinal);
        var json = Assert.Throws<ArgumentException>(() => template.Render([new ChatTurn(TurnRole.Assistant, [new ToolCallPart("1", "f", "{not json")])]));
        Assert.Contains("'f'", json.Message, StringComparison.Ordinal);
        var schema = Assert.Throws<ArgumentException>(() => template.Render([], new ChatTemplateOptions { Tools = [new ToolDefinition("g", null, "[")] }));
        Assert.Contains("'g'", schema.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_finds_templates_by_model_type_and_names_the_supported_ones_otherwise()
    {
        Assert.IsType<Phi3VisionChatTemplate>(ChatTemplateCatalog.ForModelType("phi3v"));
        Assert.IsType<Phi4MultimodalChatTemplate>(ChatTemplateCatalog.ForModelType("phi4mm"));
        Assert.IsType<Qwen25VisionChatTemplate>(ChatTemplateCatalog.ForModelType("qwen2_5_vl"));
        Assert.IsType<Gemma3ChatTemplate>(ChatTemplateCatalog.ForModelType("gemma3"));

        var error = Assert.Throws<NotSupportedException>(() => ChatTemplateCatalog.ForModelType("llava"));
        Assert.Contains("llava", error.Message, StringComparison.Ordinal);
        Assert.Contains("phi3v", error.Message, StringComparison.Ordinal);
    }
}
