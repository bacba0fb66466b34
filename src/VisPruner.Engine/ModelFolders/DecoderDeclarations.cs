using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.Engine.ModelFolders;

/// <summary>
/// Checks <c>model.decoder</c> against the shapes the decoder graph declares, reading only its declarations (its weights
/// stay in the external data file). ONNX Runtime GenAI sizes its key/value cache from the configuration, and a head count
/// or size that disagrees with the graph can go unnoticed by it; this names the field instead.
/// </summary>
internal static class DecoderDeclarations
{
    /// <exception cref="ModelFolderException">A name or fixed dimension disagrees; the message names the field.</exception>
    public static void Check(string folder, ModelConfig model)
    {
        DecoderConfig decoder = model.Decoder;
        GraphProto graph = OnnxFiles.LoadDeclarations(Path.Combine(folder, decoder.FileName)).Graph;

        ValueInfoProto embeds = Find(graph.Input, decoder.InputsEmbedsName, "model.decoder.inputs.inputs_embeds", decoder.FileName);
        ValueInfoProto pastKey = Find(graph.Input, decoder.PastKeyName(0), "model.decoder.inputs.past_key_names", decoder.FileName);
        ValueInfoProto logits = Find(graph.Output, decoder.LogitsName, "model.decoder.outputs.logits", decoder.FileName);
        if (graph.Input.All(i => i.Name != decoder.PastKeyName(decoder.NumHiddenLayers - 1)) || graph.Input.Any(i => i.Name == decoder.PastKeyName(decoder.NumHiddenLayers)))
        {
            throw new ModelFolderException(GenAiConfig.FileName, "model.decoder.num_hidden_layers",
                $"({decoder.NumHiddenLayers}) disagrees with the past key inputs of {decoder.FileName}.");
        }

        Require(embeds, 2, decoder.HiddenSize, "model.decoder.hidden_size", decoder.FileName);
        Require(pastKey, 1, decoder.NumKeyValueHeads, "model.decoder.num_key_value_heads", decoder.FileName);
        Require(pastKey, 3, decoder.HeadSize, "model.decoder.head_size", decoder.FileName);
        Require(logits, 2, model.VocabSize, "model.vocab_size", decoder.FileName);
    }

    private static ValueInfoProto Find(IEnumerable<ValueInfoProto> values, string name, string field, string file) =>
        values.FirstOrDefault(v => v.Name == name)
        ?? throw new ModelFolderException(GenAiConfig.FileName, field, $"names '{name}', which {file} does not have.");

    // Symbolic dimensions pass; a fixed one must match.
    private static void Require(ValueInfoProto value, int axis, int expected, string field, string file)
    {
        IReadOnlyList<Dimension>? shape = OnnxTypes.Shape(value);
        if (shape is not null && axis < shape.Count && shape[axis].Value is long actual && actual != expected)
        {
            throw new ModelFolderException(GenAiConfig.FileName, field, $"is {expected} but {file} declares {value.Name} with {actual} at axis {axis}.");
        }
    }
}
