namespace VisPruner.DemoModels;

/// <summary>Facts about a model written by <see cref="TinyPhi4MultimodalModel.Write"/>.</summary>
/// <param name="Options">The options the model was built from.</param>
/// <param name="VocabularySize">Width of the logits and <c>vocab_size</c>: 200064, as published.</param>
/// <param name="BosTokenId">The <c>bos_token_id</c> (<c>&lt;|endoftext|&gt;</c>, 199999, as published; prompts get no BOS).</param>
/// <param name="EosTokenIds">The ids that end generation: <c>&lt;|end|&gt;</c> (200020) and <c>&lt;|endoftext|&gt;</c> (199999).</param>
/// <param name="PadTokenId">The <c>&lt;|endoftext|&gt;</c> id, used as padding.</param>
/// <param name="ImageTokenId">The image placeholder <c>&lt;|endoftext10|&gt;</c> (200010), which GenAI's processor hard-codes.</param>
public sealed record TinyPhi4MultimodalModelInfo(TinyPhi4MultimodalOptions Options, int VocabularySize, int BosTokenId, IReadOnlyList<int> EosTokenIds, int PadTokenId, int ImageTokenId)
{
    /// <summary>
    /// Number of <c>image_features</c> rows for an image whose sub-crop canvas, after the 2 x 2 pooling, keeps
    /// <paramref name="usefulRows"/> x <paramref name="usefulColumns"/> tokens (16 per 448-pixel crop side when nothing is
    /// padding): Hugging Face's count, the rows each closed by a separator, one global separator, and the global view's
    /// 16 x 16 tokens with their 16 separators.
    /// </summary>
    /// <param name="usefulRows">Token rows of the sub-crop canvas that are image.</param>
    /// <param name="usefulColumns">Token columns of the sub-crop canvas that are image.</param>
    public static int ImageTokenCount(int usefulRows, int usefulColumns) =>
        usefulRows * (usefulColumns + 1) + 1 + Phi4VisionGraph.PooledPerSide * (Phi4VisionGraph.PooledPerSide + 1);
}
