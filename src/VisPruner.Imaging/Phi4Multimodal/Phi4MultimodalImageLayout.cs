namespace VisPruner.Imaging.Phi4Multimodal;

/// <summary>
/// Token layout of one image after Phi-4-multimodal's dynamic HD transform: a grid of <see cref="CropRows"/> x
/// <see cref="CropColumns"/> sub-crops of 448 px plus one 448 x 448 global view, each crop pooled to 16 x 16 tokens.
/// </summary>
/// <remarks>
/// The vision model emits, per image, in Hugging Face's <c>sub_glb</c> order: the sub-crop canvas cut to its
/// <see cref="UsefulTokenRows"/> x <see cref="UsefulTokenColumns"/> tokens that are image rather than white padding, each
/// token row followed by a separator (<c>sub_GN</c>); one separator (<c>glb_GN</c>); then the global view's 16 rows of 16
/// tokens, each followed by a separator.
/// </remarks>
/// <param name="Height">Height of the padded HD canvas in pixels (a multiple of 448); the first value of <c>image_sizes</c>.</param>
/// <param name="Width">Width of the padded HD canvas in pixels (a multiple of 448); the second value of <c>image_sizes</c>.</param>
/// <param name="UsefulTokenRows">Token rows of the sub-crop canvas that are image (the ones in the first column of the 2 x 2-subsampled mask).</param>
/// <param name="UsefulTokenColumns">Token columns of the sub-crop canvas that are image (the ones in the first row of the 2 x 2-subsampled mask).</param>
public readonly record struct Phi4MultimodalImageLayout(int Height, int Width, int UsefulTokenRows, int UsefulTokenColumns)
{
    /// <summary>Side of one crop in pixels.</summary>
    public const int CropSize = 448;

    /// <summary>Side of a crop's attention mask: one value per 14-pixel patch.</summary>
    public const int MaskSide = CropSize / 14;

    /// <summary>Tokens along each side of a crop after the 2 x 2 pooling (32 / 2).</summary>
    public const int TokensPerCropSide = MaskSide / 2;

    /// <summary>Number of sub-crop rows.</summary>
    public int CropRows => Height / CropSize;

    /// <summary>Number of sub-crop columns.</summary>
    public int CropColumns => Width / CropSize;

    /// <summary>Sub-crops, excluding the global view.</summary>
    public int CropCount => CropRows * CropColumns;

    /// <summary>
    /// Image tokens the vision model emits (GenAI's and Hugging Face's <c>num_img_tokens</c>):
    /// <c>UsefulTokenRows * (UsefulTokenColumns + 1) + 1 + 16 * 17</c>.
    /// </summary>
    public int NumImageTokens => (UsefulTokenRows * (UsefulTokenColumns + 1)) + 1 + (TokensPerCropSide * (TokensPerCropSide + 1));
}
