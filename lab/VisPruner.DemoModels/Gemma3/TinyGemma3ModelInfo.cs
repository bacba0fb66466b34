namespace VisPruner.DemoModels;

/// <summary>Facts about a model written by <see cref="TinyGemma3Model.Write"/>; every id is Gemma 3's published one.</summary>
/// <param name="Options">The options the model was built from.</param>
public sealed record TinyGemma3ModelInfo(TinyGemma3Options Options)
{
    /// <summary>Width of the logits and <c>vocab_size</c>: 262208.</summary>
    public int VocabularySize => Gemma3Tokenizer.VocabularySize;

    /// <summary>The <c>&lt;bos&gt;</c> id (2), the chat template's first token (GenAI's <c>Tokenizer.Encode</c> adds none).</summary>
    public int BosTokenId => Gemma3Tokenizer.BosId;

    /// <summary>The ids that end generation: <c>&lt;eos&gt;</c> (1) and <c>&lt;end_of_turn&gt;</c> (106).</summary>
    public IReadOnlyList<int> EosTokenIds { get; } = [Gemma3Tokenizer.EosId, Gemma3Tokenizer.EndOfTurnId];

    /// <summary>The <c>&lt;pad&gt;</c> id (0).</summary>
    public int PadTokenId => Gemma3Tokenizer.PadId;

    /// <summary>The <c>&lt;start_of_image&gt;</c> id (255999), the marker a prompt carries per image.</summary>
    public int BeginImageId => Gemma3Tokenizer.BeginImageId;

    /// <summary>The <c>&lt;end_of_image&gt;</c> id (256000).</summary>
    public int EndImageId => Gemma3Tokenizer.EndImageId;

    /// <summary>The <c>&lt;image_soft_token&gt;</c> id (262144): one per image feature row.</summary>
    public int ImageTokenId => Gemma3Tokenizer.ImageTokenId;

    /// <summary>Image feature rows per image (16 x 16 pooled tokens), the count GenAI's processor hard-codes.</summary>
    public int TokensPerImage => Gemma3VisionGraph.TokensPerImage;
}
