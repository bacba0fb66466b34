using System.Text.Json.Nodes;
using VisPruner.Engine.ModelFolders;

namespace VisPruner.Engine.Tests.ModelFolders;

public sealed class GenAiConfigTests
{
    // The shape of a published Phi-3.5-vision genai_config.json.
    internal const string Phi35Vision = """
        {
          "model": {
            "bos_token_id": 1, "context_length": 131072,
            "decoder": {
              "session_options": { "log_id": "onnxruntime-genai", "provider_options": [] },
              "filename": "phi-3.5-v-instruct-text.onnx", "head_size": 96, "hidden_size": 3072,
              "inputs": { "inputs_embeds": "inputs_embeds", "attention_mask": "attention_mask",
                          "past_key_names": "past_key_values.%d.key", "past_value_names": "past_key_values.%d.value" },
              "outputs": { "logits": "logits", "present_key_names": "present.%d.key", "present_value_names": "present.%d.value" },
              "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32
            },
            "embedding": { "filename": "phi-3.5-v-instruct-text-embedding.onnx",
                           "inputs": { "input_ids": "input_ids", "image_features": "image_features" },
                           "outputs": { "inputs_embeds": "inputs_embeds" } },
            "vision": { "filename": "phi-3.5-v-instruct-vision.onnx",
                        "inputs": { "pixel_values": "pixel_values", "image_sizes": "image_sizes" },
                        "outputs": { "image_features": "image_features" } },
            "eos_token_id": [2, 32000, 32001, 32007], "pad_token_id": 32000, "type": "phi3v", "vocab_size": 32064
          },
          "search": { "do_sample": false, "max_length": 131072, "past_present_share_buffer": true,
                      "repetition_penalty": 1.0, "temperature": 1.0, "top_k": 1, "top_p": 1.0 }
        }
        """;

    [Fact]
    public void A_published_phi3v_configuration_is_read()
    {
        GenAiConfig config = GenAiConfig.Parse(Phi35Vision);

        Assert.Equal("phi3v", config.Model.Type);
        Assert.Equal([2, 32000, 32001, 32007], config.Model.EosTokenIds);
        Assert.Equal(32064, config.Model.VocabSize);
        Assert.Equal(32, config.Model.Decoder.NumHiddenLayers);
        Assert.Equal(96, config.Model.Decoder.HeadSize);
        Assert.Equal("image_sizes", config.Model.Vision!.ImageSizesName);
        Assert.Equal("processor_config.json", config.Model.Vision.ConfigFileName);
        Assert.True(config.Search.PastPresentShareBuffer);
        Assert.Equal(1, config.Search.TopK);
    }

    [Fact]
    public void A_single_eos_id_and_a_missing_search_section_are_accepted()
    {
        JsonNode root = JsonNode.Parse(Phi35Vision)!;
        root["model"]!["eos_token_id"] = 32007;
        root.AsObject().Remove("search");

        GenAiConfig config = GenAiConfig.Parse(root.ToJsonString());

        Assert.Equal([32007], config.Model.EosTokenIds);
        Assert.Equal(131072, config.Search.MaxLength);
        Assert.False(config.Search.DoSample);
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "model.decoder.head_size", "delete", "model.decoder.head_size is missing" },
        { "model.decoder.num_key_value_heads", "5", "must divide num_attention_heads" },
        { "model.decoder.hidden_size", "3000", "must equal num_attention_heads x head_size" },
        { "model.decoder.inputs.past_key_names", "\"past_key_values.key\"", "must contain %d" },
        { "model.vocab_size", "0", "model.vocab_size must be positive" },
        { "model.vocab_size", "\"many\"", "model.vocab_size must be an integer" },
        { "model.eos_token_id", "[]", "model.eos_token_id must be an integer or a non-empty list" },
        { "model.type", "delete", "model.type is missing" },
        { "model.decoder", "delete", "model.decoder is missing" },
        { "model.decoder.filename", "12", "model.decoder.filename must be a string" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_fields_are_named_in_the_error(string field, string replacement, string expected)
    {
        JsonNode root = JsonNode.Parse(Phi35Vision)!;
        string[] path = field.Split('.');
        JsonObject parent = path[..^1].Aggregate(root, (node, name) => node[name]!).AsObject();
        if (replacement == "delete")
        {
            parent.Remove(path[^1]);
        }
        else
        {
            parent[path[^1]] = JsonNode.Parse(replacement);
        }

        var ex = Assert.Throws<ModelFolderException>(() => GenAiConfig.Parse(root.ToJsonString(), "genai_config.json"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("genai_config.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal("genai_config.json", ex.File);
    }

    [Fact]
    public void Invalid_json_is_reported_with_the_file_name()
    {
        var ex = Assert.Throws<ModelFolderException>(() => GenAiConfig.Parse("{ \"model\": ", "folder/genai_config.json"));
        Assert.Contains("folder/genai_config.json: is not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_file_not_found_error()
    {
        string path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "genai_config.json");
        var ex = Assert.Throws<FileNotFoundException>(() => GenAiConfig.Load(path));
        Assert.Equal(path, ex.FileName);
    }
}
