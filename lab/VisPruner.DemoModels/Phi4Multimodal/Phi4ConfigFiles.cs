using System.Text.Json;

namespace VisPruner.DemoModels;

/// <summary>
/// Writes the JSON files of a phi4mm folder as the published Phi-4-multimodal ONNX folder has them:
/// <c>genai_config.json</c> (decoder, embedding, vision and speech sections), <c>vision_processor.json</c> (the dynamic HD
/// transform at 448 pixels) and <c>speech_processor.json</c>. The published vision section also names the vision LoRA
/// adapter (<c>adapter_filename</c>); the demo has no adapter (its weights are the merged ones), so it names none.
/// </summary>
internal static class Phi4ConfigFiles
{
    public static byte[] GenAiConfig(TinyPhi4MultimodalModelInfo info)
    {
        TinyPhi4MultimodalOptions o = info.Options;
        return ConfigJson.Write(w =>
        {
            w.WriteStartObject("model");
            w.WriteNumber("bos_token_id", info.BosTokenId);
            w.WriteNumber("context_length", o.ContextLength);
            ConfigJson.WriteDecoder(w, o, TinyPhi4MultimodalModel.DecoderFileName);
            w.WriteStartObject("embedding");
            w.WriteString("filename", TinyPhi4MultimodalModel.EmbeddingFileName);
            ConfigJson.WriteNames(w, "inputs", [("input_ids", "input_ids"), ("image_features", "image_features"), .. o.WithSpeech ? [("audio_features", "audio_features")] : Array.Empty<(string, string)>()]);
            ConfigJson.WriteNames(w, "outputs", ("inputs_embeds", "inputs_embeds"));
            w.WriteEndObject();
            w.WriteStartObject("vision");
            w.WriteString("filename", TinyPhi4MultimodalModel.VisionFileName);
            w.WriteString("config_filename", TinyPhi4MultimodalModel.VisionProcessorFileName);
            ConfigJson.WriteNames(w, "inputs",
                ("pixel_values", "pixel_values"), ("attention_mask", "image_attention_mask"), ("image_sizes", "image_sizes"));
            ConfigJson.WriteNames(w, "outputs", ("image_features", "image_features"));
            w.WriteEndObject();
            if (!o.WithSpeech)
            {
                // GenAI 0.20 defaults speech.config_filename to "audio_processor_config.json" and refuses a phi4mm model whose
                // speech filename is empty while that is set: a vision-only folder must clear both explicitly.
                w.WriteStartObject("speech");
                w.WriteString("filename", string.Empty);
                w.WriteString("config_filename", string.Empty);
                w.WriteEndObject();
            }
            else
            {
                w.WriteStartObject("speech");
                w.WriteString("filename", TinyPhi4MultimodalModel.SpeechFileName);
                w.WriteString("config_filename", TinyPhi4MultimodalModel.SpeechProcessorFileName);
                ConfigJson.WriteNames(w, "inputs",
                    ("audio_embeds", "audio_embeds"), ("attention_mask", "audio_attention_mask"), ("audio_sizes", "audio_sizes"),
                    ("audio_projection_mode", "audio_projection_mode"));
                ConfigJson.WriteNames(w, "outputs", ("audio_features", "audio_features"));
                w.WriteEndObject();
            }

            w.WriteStartArray("eos_token_id");
            foreach (int id in info.EosTokenIds)
            {
                w.WriteNumberValue(id);
            }

            w.WriteEndArray();
            w.WriteNumber("pad_token_id", info.PadTokenId);
            w.WriteString("type", "phi4mm");
            w.WriteNumber("vocab_size", info.VocabularySize);
            w.WriteEndObject();
            ConfigJson.WriteSearch(w, o.MaxLength, o.PastPresentShareBuffer);
        });
    }

    public static byte[] VisionProcessorConfig(int dynamicHd) => ConfigJson.Write(w =>
    {
        w.WriteStartObject("processor");
        w.WriteString("name", "phi_4_vision_processor");
        w.WriteStartArray("transforms");
        ConfigJson.WriteOperation(w, "decode_image", "DecodeImage", null, attrs => attrs.WriteString("color_space", "RGB"));
        ConfigJson.WriteOperation(w, "phi4_vision_dynamic_preprocess", "Phi4VisionDynamicPreprocess", null, attrs =>
        {
            attrs.WriteNumber("dynamic_hd", dynamicHd);
            attrs.WriteNumber("dyhd_base_resolution", Phi4VisionGraph.CropSize);
        });
        ConfigJson.WriteOperation(w, "rescale", "Rescale", null, null, [":0"]);
        ConfigJson.WriteOperation(w, "normalize", "Normalize", null, attrs =>
        {
            WriteFloats(attrs, "mean", 0.5f, 0.5f, 0.5f);
            WriteFloats(attrs, "std", 0.5f, 0.5f, 0.5f);
        });
        ConfigJson.WriteOperation(w, "phi4_vision_processor", "Phi4VisionProcessor", null, attrs =>
        {
            attrs.WriteNumber("dyhd_base_resolution", Phi4VisionGraph.CropSize);
            attrs.WriteString("interpolation", "CUBIC");
        }, [":0", "phi4_vision_dynamic_preprocess:1"]);
        w.WriteEndArray();
        w.WriteString("output_aligner", "phi4-vision-aligner");
        w.WriteEndObject();
    });

    // The published log-mel front end (8 and 16 kHz), so the processor GenAI builds for the folder is the published one.
    public static byte[] SpeechProcessorConfig() => ConfigJson.Write(w =>
    {
        w.WriteStartObject("feature_extraction");
        w.WriteStartArray("sequence");
        ConfigJson.WriteOperation(w, "audio_decoder", "AudioDecoderEx", null, attrs =>
        {
            attrs.WriteStartArray("target_sample_rates");
            attrs.WriteNumberValue(8000);
            attrs.WriteNumberValue(16000);
            attrs.WriteEndArray();
        });
        ConfigJson.WriteOperation(w, "phi_4_audio_embed", "Phi4AudioEmbed", null, attrs =>
        {
            attrs.WriteNumber("audio_compression_rate", SpeechGraph.CompressionRate);
            WriteFrontEnd(attrs, "stft_normal", "logmel", nFft: 512, frameLength: 400, hopLength: 160);
            WriteFrontEnd(attrs, "stft_normal_8k", "logmel_8k", nFft: 256, frameLength: 200, hopLength: 80);
        });
        w.WriteEndArray();
        w.WriteString("output_aligner", "phi4-audio-aligner");
        w.WriteEndObject();
    });

    private static void WriteFrontEnd(Utf8JsonWriter attrs, string stft, string logMel, int nFft, int frameLength, int hopLength)
    {
        attrs.WriteNumber($"{stft}/n_fft", nFft);
        attrs.WriteNumber($"{stft}/frame_length", frameLength);
        attrs.WriteNumber($"{stft}/hop_length", hopLength);
        attrs.WriteString($"{stft}/win_fn", "hamming");
        attrs.WriteNumber($"{logMel}/chunk_size", 30);
        attrs.WriteNumber($"{logMel}/hop_length", hopLength);
        attrs.WriteNumber($"{logMel}/n_fft", 512);
        attrs.WriteNumber($"{logMel}/n_mel", SpeechGraph.MelBins);
        attrs.WriteNumber($"{logMel}/feature_first", 0);
        attrs.WriteNumber($"{logMel}/no_padding", 1);
    }

    private static void WriteFloats(Utf8JsonWriter w, string name, params float[] values)
    {
        w.WriteStartArray(name);
        foreach (float value in values)
        {
            w.WriteNumberValue(value);
        }

        w.WriteEndArray();
    }
}
