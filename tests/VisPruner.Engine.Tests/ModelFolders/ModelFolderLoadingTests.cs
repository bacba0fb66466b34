using System.Text.Json.Nodes;
using VisPruner.Engine.ModelFolders;

namespace VisPruner.Engine.Tests.ModelFolders;

public sealed class ModelFolderLoadingTests(TinyModelFixture models) : IClassFixture<TinyModelFixture>
{
    private string BrokenCopy(Action<string> breakIt)
    {
        string folder = models.CopyOf(models.GrowingKvFolder);
        breakIt(folder);
        return folder;
    }

    [Fact]
    public async Task A_missing_folder_is_reported()
    {
        string folder = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N"));
        var ex = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => MultimodalEngine.LoadAsync(folder));
        Assert.Contains(folder, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("genai_config.json")]
    [InlineData("tokenizer.json")]
    [InlineData("processor_config.json")]
    [InlineData("phi-3.5-v-instruct-text.onnx")]
    [InlineData("phi-3.5-v-instruct-vision.onnx")]
    public async Task A_missing_file_is_named(string file)
    {
        string folder = BrokenCopy(f => File.Delete(Path.Combine(f, file)));

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => MultimodalEngine.LoadAsync(folder));
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsupported_model_type_lists_the_supported_ones()
    {
        string folder = BrokenCopy(f => TinyModelFixture.EditConfig(f, root => root["model"]!["type"] = "qwen2_5_vl"));

        var ex = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(folder));
        Assert.Equal("model.type", ex.Field);
        Assert.Contains("'qwen2_5_vl' is not supported (ONNX Runtime GenAI computes its mRoPE positions itself", ex.Message, StringComparison.Ordinal);
        Assert.Contains("supported types: phi3v, phi4mm, gemma3.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_names_the_decoder_lacks_are_reported_at_load()
    {
        string folder = BrokenCopy(f => TinyModelFixture.EditConfig(f, root => root["model"]!["decoder"]!["inputs"]!["past_key_names"] = "past.%d.key"));

        var ex = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(folder));
        Assert.Equal("model.decoder.inputs.past_key_names", ex.Field);
        Assert.Contains("'past.0.key'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("num_key_value_heads")]
    [InlineData("head_size")]
    public async Task Head_counts_and_sizes_that_disagree_with_the_decoder_are_reported(string field)
    {
        string folder = BrokenCopy(f => TinyModelFixture.EditConfig(f, root =>
        {
            JsonNode decoder = root["model"]!["decoder"]!;
            int heads = decoder["num_attention_heads"]!.GetValue<int>();
            int headSize = decoder["head_size"]!.GetValue<int>();
            if (field == "head_size")
            {
                // Keep hidden = heads x head_size consistent so only the decoder disagrees.
                decoder["head_size"] = headSize * 2;
                decoder["num_attention_heads"] = heads / 2;
            }
            else
            {
                decoder["num_key_value_heads"] = heads;
            }
        }));

        var ex = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(folder));
        Assert.Equal("model.decoder." + field, ex.Field);
    }

    [Fact]
    public async Task A_corrupt_onnx_file_is_a_model_folder_error_naming_the_folder_and_file()
    {
        string folder = BrokenCopy(f => File.WriteAllBytes(Path.Combine(f, "phi-3.5-v-instruct-text.onnx"), [1, 2, 3, 4, 5]));

        var ex = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(folder));
        Assert.Contains(folder, ex.Message, StringComparison.Ordinal);
        Assert.Equal("phi-3.5-v-instruct-text.onnx", ex.File);
    }

    [Fact]
    public async Task A_corrupt_vision_model_is_a_model_folder_error_naming_the_file()
    {
        string folder = BrokenCopy(f => File.WriteAllBytes(Path.Combine(f, "phi-3.5-v-instruct-vision.onnx"), [1, 2, 3, 4, 5]));

        var ex = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(folder));
        Assert.Equal("phi-3.5-v-instruct-vision.onnx", ex.File);
    }

    [Fact]
    public async Task Truncated_external_weights_of_the_vision_model_are_named()
    {
        string folder = BrokenCopy(f =>
        {
            string data = Path.Combine(f, "phi-3.5-v-instruct-vision.onnx.data");
            File.WriteAllBytes(data, File.ReadAllBytes(data)[..64]);
        });

        var ex = await Assert.ThrowsAsync<ModelFolderException>(() => MultimodalEngine.LoadAsync(folder));
        Assert.Equal("phi-3.5-v-instruct-vision.onnx", ex.File);
        Assert.DoesNotContain("in-memory", ex.Message, StringComparison.OrdinalIgnoreCase);
    }
}
