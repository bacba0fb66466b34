using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels;

/// <summary>
/// Builds a minimal phi4mm speech model with the published interface: <c>audio_embeds</c> float [num_audios, frames, 80]
/// (log-mel frames), <c>audio_attention_mask</c> bool [num_audios, frames], <c>audio_sizes</c> int64 [num_audios] and
/// <c>audio_projection_mode</c> int64 [1] in, <c>audio_features</c> [num_audio_tokens, hidden] out. It stacks every 8
/// frames (the published compression rate) and projects them; the mask, sizes and mode are declared but unused. The
/// demos carry no audio: the model exists so a folder with a speech section loads as the published one does.
/// </summary>
internal static class SpeechGraph
{
    public const int MelBins = 80;
    public const int CompressionRate = 8;

    public static ModelProto Build(TinyPhi4MultimodalOptions options, WeightReader weights)
    {
        int hidden = options.HiddenSize;
        var b = new GraphBuilder("phi4mm_speech", unchecked(options.Seed + 3));
        GraphValue audioEmbeds = b.Input("audio_embeds", OnnxDataType.Float, "num_audios", "num_frames", MelBins);
        b.Input("audio_attention_mask", OnnxDataType.Bool, "num_audios", "num_frames");
        b.Input("audio_sizes", OnnxDataType.Int64, "num_audios");
        b.Input("audio_projection_mode", OnnxDataType.Int64, 1);

        GraphValue stacked = b.Reshape(audioEmbeds, [-1, CompressionRate * MelBins], "/encoder/stack/Reshape_output_0");
        GraphValue projected = VisionBlocks.Dense(b, weights, stacked, CompressionRate * MelBins, hidden, "audio_projection", "/audio_projection");
        b.Output("audio_features", projected, "num_audio_tokens", hidden);
        return ExportNaming.NameNodesAfterOutputs(b.Build());
    }
}
