using VisPruner.Engine.ModelFolders;
using VisPruner.OnnxRuntime;

namespace VisPruner.Engine.Runtime;

/// <summary>
/// The text side of an ONNX Runtime GenAI multimodal folder: the embedding model (token ids plus image features in,
/// embeddings out) and the decoder with its key/value cache. Sessions are loaded once and shared; each request
/// gets its own <see cref="DecoderState"/>.
/// </summary>
internal sealed class LanguageModel : IDisposable
{
    private LanguageModel(ModelConfig model, InferenceSession embedding, InferenceSession decoder, bool shareBuffer)
    {
        Model = model;
        Embedding = embedding;
        Decoder = decoder;
        ShareBuffer = shareBuffer;
    }

    public ModelConfig Model { get; }

    public InferenceSession Embedding { get; }

    public InferenceSession Decoder { get; }

    /// <summary>Gets a value indicating whether past and present keys/values share one in-place buffer.</summary>
    public bool ShareBuffer { get; }

    /// <summary>Gets the bytes of keys plus values that one token occupies in the cache, over all layers.</summary>
    public long KvBytesPerToken => 2L * Model.Decoder.NumHiddenLayers * Model.Decoder.NumKeyValueHeads * Model.Decoder.HeadSize * sizeof(float);

    public static LanguageModel Load(string folder, GenAiConfig config, InferenceSessionOptions sessionOptions, bool shareBuffer)
    {
        ModelConfig model = config.Model;
        EmbeddingConfig embeddingConfig = model.Embedding
            ?? throw new ModelFolderException(GenAiConfig.FileName, "model.embedding", "is missing; the multimodal pipeline needs an embedding model.");
        DecoderConfig decoderConfig = model.Decoder;

        InferenceSession embedding = SessionFactory.Load(Path.Combine(folder, embeddingConfig.FileName), sessionOptions);
        InferenceSession? decoder = null;
        try
        {
            SessionFactory.RequireTensors(
                embedding, embeddingConfig.FileName, [embeddingConfig.InputIdsName, embeddingConfig.ImageFeaturesName], [embeddingConfig.InputsEmbedsName]);
            decoder = SessionFactory.Load(Path.Combine(folder, decoderConfig.FileName), sessionOptions);
            int layers = decoderConfig.NumHiddenLayers;
            SessionFactory.RequireTensors(
                decoder,
                decoderConfig.FileName,
                [decoderConfig.InputsEmbedsName, decoderConfig.AttentionMaskName,
                 .. Enumerable.Range(0, layers).SelectMany(l => new[] { decoderConfig.PastKeyName(l), decoderConfig.PastValueName(l) })],
                [decoderConfig.LogitsName, .. Enumerable.Range(0, layers).SelectMany(l => new[] { decoderConfig.PresentKeyName(l), decoderConfig.PresentValueName(l) })]);
            RequireFloat32(decoder, decoderConfig.FileName, decoderConfig.LogitsName);
            RequireDimension(decoder, decoderConfig.FileName, decoderConfig.InputsEmbedsName, 2, decoderConfig.HiddenSize, "model.decoder.hidden_size");
            RequireDimension(decoder, decoderConfig.FileName, decoderConfig.PastKeyName(0), 1, decoderConfig.NumKeyValueHeads, "model.decoder.num_key_value_heads");
            RequireDimension(decoder, decoderConfig.FileName, decoderConfig.PastKeyName(0), 3, decoderConfig.HeadSize, "model.decoder.head_size");
            RequireDimension(decoder, decoderConfig.FileName, decoderConfig.LogitsName, 2, model.VocabSize, "model.vocab_size");
            return new LanguageModel(model, embedding, decoder, shareBuffer);
        }
        catch
        {
            embedding.Dispose();
            decoder?.Dispose();
            throw;
        }
    }

    /// <summary>Starts the decoder state of one request whose prompt plus output fits <paramref name="capacity"/> tokens.</summary>
    public DecoderState CreateState(int capacity) => new(this, capacity);

    public void Dispose()
    {
        Embedding.Dispose();
        Decoder.Dispose();
    }

    /// <summary>Checks a fixed dimension the model declares against the configuration (symbolic dimensions pass).</summary>
    private static void RequireDimension(InferenceSession session, string file, string tensor, int axis, int expected, string field)
    {
        TensorMetadata? metadata = session.InputMetadata.Concat(session.OutputMetadata).FirstOrDefault(m => m.Name == tensor);
        if (metadata is not null && axis < metadata.Dimensions.Count && metadata.Dimensions[axis] > 0 && metadata.Dimensions[axis] != expected)
        {
            throw new ModelFolderException(GenAiConfig.FileName, field,
                $"is {expected} but {file} declares {tensor} with {metadata.Dimensions[axis]} at axis {axis}.");
        }
    }

    private static void RequireFloat32(InferenceSession session, string file, string output)
    {
        TensorElementType type = session.OutputMetadata.First(m => m.Name == output).ElementType;
        if (type != TensorElementType.Float)
        {
            throw new NotSupportedException(
                $"{file}: output '{output}' is {type}; this engine runs float32 decoders (the CPU int4 variants of published folders).");
        }
    }
}
