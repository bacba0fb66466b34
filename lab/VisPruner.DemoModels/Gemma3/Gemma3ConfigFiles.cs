using System.Text.Json;

namespace VisPruner.DemoModels;

/// <summary>Writes the JSON files of a gemma3 model folder: <c>genai_config.json</c> and <c>processor_config.json</c>.</summary>
internal static class Gemma3ConfigFiles
{
    private const string ExtensionsDomain = "com.microsoft.extensions";

    public static byte[] GenAiConfig(TinyGemma3ModelInfo info)
    {
        TinyGemma3Options o = info.Options;
        return ConfigJson.Write(w =>
        {
            w.WriteStartObject("model");
            w.WriteNumber("bos_token_id", info.BosTokenId);
            w.WriteNumber("context_length", o.ContextLength);
            ConfigJson.WriteDecoder(w, o, TinyGemma3Model.DecoderFileName);
            w.WriteStartObject("embedding");
            w.WriteString("filename", TinyGemma3Model.EmbeddingFileName);
            ConfigJson.WriteNames(w, "inputs", ("input_ids", "input_ids"), ("image_features", "image_features"));
            ConfigJson.WriteNames(w, "outputs", ("inputs_embeds", "inputs_embeds"));
            w.WriteEndObject();
            w.WriteStartObject("vision");
            w.WriteString("filename", TinyGemma3Model.VisionFileName);
            w.WriteString("config_filename", TinyGemma3Model.ProcessorFileName);
            ConfigJson.WriteNames(w, "inputs", ("pixel_values", "pixel_values"));
            ConfigJson.WriteNames(w, "outputs", ("image_features", "image_features"));
            w.WriteEndObject();
            w.WriteStartArray("eos_token_id");
            foreach (int id in info.EosTokenIds)
            {
                w.WriteNumberValue(id);
            }

            w.WriteEndArray();
            w.WriteNumber("pad_token_id", info.PadTokenId);
            w.WriteString("type", "gemma3");
            w.WriteNumber("vocab_size", info.VocabularySize);
            w.WriteEndObject();
            ConfigJson.WriteSearch(w, o.MaxLength, o.PastPresentShareBuffer);
        });
    }

    // onnxruntime-extensions' Gemma 3 pipeline: RGB, a plain 896 x 896 resize (aspect not kept), x / 255, (x - 0.5) / 0.5,
    // HWC -> CHW. GenAI's gemma3 processor hands output 0 to the vision model as pixel_values.
    public static byte[] ProcessorConfig() => ConfigJson.Write(w =>
    {
        w.WriteStartObject("processor");
        w.WriteString("name", "gemma_3_image_processing");
        w.WriteStartArray("transforms");
        ConfigJson.WriteOperation(w, "decode_image", "DecodeImage", ExtensionsDomain, attrs => attrs.WriteString("color_space", "RGB"));
        ConfigJson.WriteOperation(w, "resize", "Resize", ExtensionsDomain, attrs =>
        {
            attrs.WriteString("interpolation", "CUBIC");
            attrs.WriteNumber("width", Gemma3VisionGraph.ImageSize);
            attrs.WriteNumber("height", Gemma3VisionGraph.ImageSize);
            attrs.WriteNumber("keep_aspect_ratio", 0);
        });
        ConfigJson.WriteOperation(w, "rescale", "Rescale", ExtensionsDomain, null);
        ConfigJson.WriteOperation(w, "normalize", "Normalize", ExtensionsDomain, attrs =>
        {
            WriteTriple(attrs, "mean", 0.5);
            WriteTriple(attrs, "std", 0.5);
        });
        ConfigJson.WriteOperation(w, "to_channel_first", "Permute3D", ExtensionsDomain, attrs =>
        {
            attrs.WriteStartArray("dims");
            attrs.WriteNumberValue(2);
            attrs.WriteNumberValue(0);
            attrs.WriteNumberValue(1);
            attrs.WriteEndArray();
        });
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteTriple(Utf8JsonWriter w, string name, double value)
    {
        w.WriteStartArray(name);
        for (int i = 0; i < 3; i++)
        {
            w.WriteNumberValue(value);
        }

        w.WriteEndArray();
    }
}
