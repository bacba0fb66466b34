namespace VisPruner.DemoModels;

/// <summary>Writes the JSON files of a phi3v model folder as published: <c>genai_config.json</c> and <c>processor_config.json</c>.</summary>
internal static class ConfigFiles
{
    public static byte[] GenAiConfig(TinyPhi3VisionModelInfo info)
    {
        TinyPhi3VisionOptions o = info.Options;
        return ConfigJson.Write(w =>
        {
            w.WriteStartObject("model");
            w.WriteNumber("bos_token_id", info.BosTokenId);
            w.WriteNumber("context_length", o.ContextLength);
            ConfigJson.WriteDecoder(w, o, TinyPhi3VisionModel.DecoderFileName);
            w.WriteStartObject("embedding");
            w.WriteString("filename", TinyPhi3VisionModel.EmbeddingFileName);
            ConfigJson.WriteNames(w, "inputs", ("input_ids", "input_ids"), ("image_features", "image_features"));
            ConfigJson.WriteNames(w, "outputs", ("inputs_embeds", "inputs_embeds"));
            w.WriteEndObject();
            w.WriteStartObject("vision");
            w.WriteString("filename", TinyPhi3VisionModel.VisionFileName);
            w.WriteString("config_filename", "processor_config.json");
            ConfigJson.WriteNames(w, "inputs", ("pixel_values", "pixel_values"), ("image_sizes", "image_sizes"));
            ConfigJson.WriteNames(w, "outputs", ("image_features", "image_features"));
            w.WriteEndObject();
            w.WriteStartArray("eos_token_id");
            foreach (int id in info.EosTokenIds)
            {
                w.WriteNumberValue(id);
            }

            w.WriteEndArray();
            w.WriteNumber("pad_token_id", info.PadTokenId);
            w.WriteString("type", "phi3v");
            w.WriteNumber("vocab_size", info.VocabularySize);
            w.WriteEndObject();
            ConfigJson.WriteSearch(w, o.MaxLength, o.PastPresentShareBuffer);
        });
    }

    public static byte[] ProcessorConfig(int numCrops) => ConfigJson.Write(w =>
    {
        w.WriteStartObject("processor");
        w.WriteString("name", "image_processing");
        w.WriteStartArray("transforms");
        // As published: decode to BGR, then ConvertRGB swaps to RGB (without the attribute GenAI decodes to RGB and the swap
        // would hand the vision model BGR pixels).
        ConfigJson.WriteOperation(w, "decode_image", "DecodeImage", "com.microsoft.extensions", attrs => attrs.WriteString("color_space", "BGR"));
        ConfigJson.WriteOperation(w, "convert_to_rgb", "ConvertRGB", "com.microsoft.extensions", null);
        ConfigJson.WriteOperation(w, "phi3_image_transform", "Phi3ImageTransform", "com.microsoft.extensions", attrs =>
        {
            attrs.WriteNumber("num_crops", numCrops);
            attrs.WriteNumber("num_img_tokens", TinyPhi3VisionModel.TokensPerCrop);
        });
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
