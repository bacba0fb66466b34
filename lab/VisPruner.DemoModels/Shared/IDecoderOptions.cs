namespace VisPruner.DemoModels;

/// <summary>The sizes and settings the shared text decoder and embedding graphs are built from, whatever the family.</summary>
internal interface IDecoderOptions
{
    int Seed { get; }

    DecoderWeightFormat DecoderWeights { get; }

    int HiddenSize { get; }

    int DecoderLayers { get; }

    int AttentionHeads { get; }

    int KeyValueHeads { get; }

    int IntermediateSize { get; }

    int MaxLength { get; }

    int HeadSize { get; }

    TinyPhi3VisionScript? Script { get; }
}

/// <summary>The checks every family's decoder sizes must pass, with messages naming the options type and property.</summary>
internal static class DecoderOptionsValidation
{
    public static void Validate(IDecoderOptions o, int contextLength, string typeName, string parameterName)
    {
        Positive(o.HiddenSize, nameof(o.HiddenSize));
        Positive(o.DecoderLayers, nameof(o.DecoderLayers));
        Positive(o.AttentionHeads, nameof(o.AttentionHeads));
        Positive(o.KeyValueHeads, nameof(o.KeyValueHeads));
        Positive(o.IntermediateSize, nameof(o.IntermediateSize));
        Require(o.HiddenSize % o.AttentionHeads == 0 && o.HeadSize % 16 == 0, nameof(o.AttentionHeads),
            $"({o.AttentionHeads}) must divide HiddenSize ({o.HiddenSize}) into heads whose size is a multiple of 16");
        Require(o.AttentionHeads % o.KeyValueHeads == 0, nameof(o.KeyValueHeads), $"({o.KeyValueHeads}) must divide AttentionHeads ({o.AttentionHeads})");
        bool int4 = o.DecoderWeights == DecoderWeightFormat.Int4;
        Require(!int4 || o.HiddenSize % DecoderGraph.QuantizationBlock == 0, nameof(o.HiddenSize), "must be a multiple of 32 (the 4-bit quantization block)");
        Require(!int4 || o.IntermediateSize % DecoderGraph.QuantizationBlock == 0, nameof(o.IntermediateSize), "must be a multiple of 32 (the 4-bit quantization block)");
        Require(o.MaxLength > 0 && o.MaxLength <= contextLength, nameof(o.MaxLength), $"({o.MaxLength}) must be in 1..ContextLength ({contextLength})");

        void Positive(int value, string name) => Require(value > 0, name, $"({value}) must be positive");

        // The message names the property; the parameter is the factory method's options argument.
        void Require(bool condition, string name, string problem)
        {
            if (!condition)
            {
                throw new ArgumentException($"{typeName}.{name} {problem}.", parameterName);
            }
        }
    }
}
