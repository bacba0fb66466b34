namespace VisPruner.DemoModels;

/// <summary>Facts about a model written by <see cref="TinyPhi3VisionModel.Write"/>.</summary>
/// <param name="Options">The options the model was built from.</param>
/// <param name="VocabularySize">Width of the logits: the tokenizer's vocabulary plus its added tokens.</param>
/// <param name="BosTokenId">The <c>&lt;s&gt;</c> id.</param>
/// <param name="EosTokenIds">The ids that end generation: <c>&lt;|end|&gt;</c>, <c>&lt;|assistant|&gt;</c>, <c>&lt;|endoftext|&gt;</c> (the first is what a scripted model emits at the end).</param>
/// <param name="PadTokenId">The <c>&lt;|endoftext|&gt;</c> id, used as padding.</param>
public sealed record TinyPhi3VisionModelInfo(TinyPhi3VisionOptions Options, int VocabularySize, int BosTokenId, IReadOnlyList<int> EosTokenIds, int PadTokenId)
{
    /// <summary>Number of <c>image_features</c> rows for a crop grid of <paramref name="cropRows"/> x <paramref name="cropColumns"/>.</summary>
    /// <param name="cropRows">Rows of 336-px sub-crops (<c>h_c</c>).</param>
    /// <param name="cropColumns">Columns of 336-px sub-crops (<c>w_c</c>).</param>
    public static int ImageTokenCount(int cropRows, int cropColumns) =>
        (cropRows * cropColumns + 1) * TinyPhi3VisionModel.TokensPerCrop + 1 + (cropRows + 1) * 12;
}
