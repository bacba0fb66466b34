using VisPruner.Engine.ModelFolders;
using VisPruner.OnnxRuntime;

namespace VisPruner.Engine.Runtime;

/// <summary>
/// One request's pass through the language model: the prompt pass (prefill) and one step per generated token,
/// with the key/value cache in either layout ONNX Runtime GenAI uses:
/// <list type="bullet">
/// <item>shared buffer: one [1, kv_heads, capacity, head] buffer per layer and kind, bound as both past input and
/// present output, which the decoder writes in place;</item>
/// <item>growing: present = past ++ new, allocated by the runtime each step and passed back as the next past.</item>
/// </list>
/// The attention mask, the step's token id, embedding and logits live in buffers allocated once per request.
/// </summary>
/// <remarks>Not thread-safe: one request, one thread at a time.</remarks>
internal sealed class DecoderState : IDisposable
{
    private readonly LanguageModel _model;
    private readonly DecoderConfig _decoder;
    private readonly EmbeddingConfig _embedding;
    private readonly int _capacity;
    private readonly long[] _attentionMask;
    private readonly long[] _stepId = new long[1];
    private readonly float[] _stepEmbedding;
    private readonly float[] _logits;
    private readonly OrtValue _stepIdValue;
    private readonly OrtValue _stepEmbeddingValue;
    private readonly OrtValue _noImageFeatures;
    private readonly OrtValue _stepLogitsValue;
    private readonly OrtValue?[] _pastKeys;
    private readonly OrtValue?[] _pastValues;
    private readonly string[] _decoderInputNames;
    private readonly string[] _decoderOutputNames;
    private readonly OrtValue[] _decoderInputs;
    private readonly OrtValue?[] _decoderOutputs;
    private int _length;

    public DecoderState(LanguageModel model, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _model = model;
        _decoder = model.Model.Decoder;
        _embedding = model.Model.Embedding!;
        _capacity = capacity;
        _attentionMask = new long[capacity];
        Array.Fill(_attentionMask, 1L);
        int hidden = _decoder.HiddenSize;
        _stepEmbedding = new float[hidden];
        _logits = new float[model.Model.VocabSize];
        _stepIdValue = OrtValue.CreateTensor(_stepId, [1, 1]);
        _stepEmbeddingValue = OrtValue.CreateTensor(_stepEmbedding, [1, 1, hidden]);
        _noImageFeatures = OrtValue.CreateTensor(Array.Empty<float>(), [0, hidden]);
        _stepLogitsValue = OrtValue.CreateTensor(_logits, [1, 1, model.Model.VocabSize]);

        int layers = _decoder.NumHiddenLayers;
        _pastKeys = new OrtValue?[layers];
        _pastValues = new OrtValue?[layers];
        _decoderInputNames = [_decoder.InputsEmbedsName, _decoder.AttentionMaskName,
            .. Enumerable.Range(0, layers).SelectMany(l => new[] { _decoder.PastKeyName(l), _decoder.PastValueName(l) })];
        _decoderOutputNames = [_decoder.LogitsName,
            .. Enumerable.Range(0, layers).SelectMany(l => new[] { _decoder.PresentKeyName(l), _decoder.PresentValueName(l) })];
        _decoderInputs = new OrtValue[_decoderInputNames.Length];
        _decoderOutputs = new OrtValue?[_decoderOutputNames.Length];

        try
        {
            long pastLength = model.ShareBuffer ? capacity : 0;
            long[] shape = [1, _decoder.NumKeyValueHeads, pastLength, _decoder.HeadSize];
            for (int layer = 0; layer < layers; layer++)
            {
                _pastKeys[layer] = OrtValue.Allocate(TensorElementType.Float, shape);
                _pastValues[layer] = OrtValue.Allocate(TensorElementType.Float, shape);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Gets the number of tokens in the cache.</summary>
    public int Length => _length;

    /// <summary>Gets the bytes the key/value cache occupies now.</summary>
    public long KvCacheBytes => _model.KvBytesPerToken * (_model.ShareBuffer ? _capacity : _length);

    /// <summary>
    /// Runs the prompt: embeds <paramref name="inputIds"/> (image placeholders negative) with <paramref name="imageFeatures"/>
    /// [rows x hidden] scattered into the placeholders, runs the decoder over all of it, and returns the last position's logits.
    /// </summary>
    public Span<float> Prefill(long[] inputIds, float[] imageFeatures, CancellationToken cancellationToken)
    {
        if (_length != 0)
        {
            throw new InvalidOperationException("The prompt pass has already run.");
        }

        if (inputIds.Length > _capacity)
        {
            throw new ArgumentException($"The prompt has {inputIds.Length} tokens but the state holds {_capacity}.", nameof(inputIds));
        }

        int hidden = _decoder.HiddenSize;
        int length = inputIds.Length;
        var embeds = new float[length * hidden];
        using (OrtValue ids = OrtValue.CreateTensor(inputIds, [1, length]))
        using (OrtValue features = OrtValue.CreateTensor(imageFeatures, [imageFeatures.Length / hidden, hidden]))
        using (OrtValue embedsValue = OrtValue.CreateTensor(embeds, [1, length, hidden]))
        {
            RunEmbedding(ids, features, embedsValue, cancellationToken);
            using OrtValue? logits = RunDecoder(embedsValue, length, logitsOutput: null, cancellationToken);
            logits!.GetTensorSpan<float>().Slice((length - 1) * _logits.Length, _logits.Length).CopyTo(_logits);
        }

        return _logits;
    }

    /// <summary>Appends one generated token and returns the logits for the next.</summary>
    public Span<float> Step(int tokenId, CancellationToken cancellationToken)
    {
        if (_length == 0 || _length >= _capacity)
        {
            throw new InvalidOperationException(_length == 0 ? "Run the prompt pass first." : $"The cache is full ({_capacity} tokens).");
        }

        _stepId[0] = tokenId;
        RunEmbedding(_stepIdValue, _noImageFeatures, _stepEmbeddingValue, cancellationToken);
        RunDecoder(_stepEmbeddingValue, 1, _stepLogitsValue, cancellationToken);
        return _logits;
    }

    public void Dispose()
    {
        for (int layer = 0; layer < _pastKeys.Length; layer++)
        {
            _pastKeys[layer]?.Dispose();
            _pastValues[layer]?.Dispose();
        }

        _stepIdValue.Dispose();
        _stepEmbeddingValue.Dispose();
        _noImageFeatures.Dispose();
        _stepLogitsValue.Dispose();
    }

    private void RunEmbedding(OrtValue ids, OrtValue features, OrtValue embeds, CancellationToken cancellationToken)
    {
        Span<OrtValue?> output = [embeds];
        _model.Embedding.Run(
            [_embedding.InputIdsName, _embedding.ImageFeaturesName], [ids, features], [_embedding.InputsEmbedsName], output, cancellationToken);
    }

    /// <summary>Runs the decoder on <paramref name="newTokens"/> embedded tokens; returns the logits value when the runtime allocated it.</summary>
    private OrtValue? RunDecoder(OrtValue embeds, int newTokens, OrtValue? logitsOutput, CancellationToken cancellationToken)
    {
        int total = _length + newTokens;
        using OrtValue mask = OrtValue.CreateTensor(_attentionMask.AsMemory(0, total), [1, total]);
        _decoderInputs[0] = embeds;
        _decoderInputs[1] = mask;
        _decoderOutputs[0] = logitsOutput;
        int layers = _pastKeys.Length;
        for (int layer = 0; layer < layers; layer++)
        {
            _decoderInputs[2 + (2 * layer)] = _pastKeys[layer]!;
            _decoderInputs[3 + (2 * layer)] = _pastValues[layer]!;

            // Shared buffer: the present output is the past buffer itself, written in place.
            _decoderOutputs[1 + (2 * layer)] = _model.ShareBuffer ? _pastKeys[layer] : null;
            _decoderOutputs[2 + (2 * layer)] = _model.ShareBuffer ? _pastValues[layer] : null;
        }

        _model.Decoder.Run(_decoderInputNames, _decoderInputs, _decoderOutputNames, _decoderOutputs, cancellationToken);
        _length = total;
        if (!_model.ShareBuffer)
        {
            for (int layer = 0; layer < layers; layer++)
            {
                _pastKeys[layer]!.Dispose();
                _pastValues[layer]!.Dispose();
                _pastKeys[layer] = _decoderOutputs[1 + (2 * layer)];
                _pastValues[layer] = _decoderOutputs[2 + (2 * layer)];
            }
        }

        return logitsOutput is null ? _decoderOutputs[0] : null;
    }
}
