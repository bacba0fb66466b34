namespace VisPruner.Imaging.Phi3Vision;

/// <summary>
/// Geometry and token layout of one image after the Phi-3(.5)-vision HD transform: a grid of
/// <see cref="CropRows"/> x <see cref="CropColumns"/> crops of 336 px plus one global view.
/// </summary>
/// <remarks>
/// The vision model emits, per image: the crop tokens as <c>CropRows * 12</c> rows of <c>CropColumns * 12</c>
/// tokens, each row followed by one separator; then one global/sub separator token; then the global view as
/// 12 rows of 12 tokens, each followed by a separator.
/// </remarks>
/// <param name="Height">Height of the padded image in pixels (a multiple of 336); the first value of <c>image_sizes</c>.</param>
/// <param name="Width">Width of the padded image in pixels (a multiple of 336); the second value of <c>image_sizes</c>.</param>
public readonly record struct Phi3VisionImageLayout(int Height, int Width)
{
    /// <summary>Side of one crop in pixels.</summary>
    public const int CropSize = 336;

    /// <summary>Tokens along each side of a crop after the 2x2 patch merge (24 / 2).</summary>
    public const int TokensPerCropSide = 12;

    /// <summary>Number of crop rows (<c>h_c</c>).</summary>
    public int CropRows => Height / CropSize;

    /// <summary>Number of crop columns (<c>w_c</c>).</summary>
    public int CropColumns => Width / CropSize;

    /// <summary>Sub-image crops, excluding the global view.</summary>
    public int CropCount => CropRows * CropColumns;

    /// <summary>Token rows of the sub-image grid; each is followed by a separator.</summary>
    public int SubImageTokenRows => CropRows * TokensPerCropSide;

    /// <summary>Tokens per sub-image row, before its separator.</summary>
    public int SubImageTokensPerRow => CropColumns * TokensPerCropSide;

    /// <summary>Image tokens the vision model emits: <c>(h_c * w_c + 1) * 144 + 1 + (h_c + 1) * 12</c>.</summary>
    public int NumImageTokens =>
        ((CropCount + 1) * TokensPerCropSide * TokensPerCropSide) + 1 + ((CropRows + 1) * TokensPerCropSide);

    /// <summary>Describes feature row <paramref name="index"/> of this image (0 &lt;= index &lt; <see cref="NumImageTokens"/>).</summary>
    /// <param name="index">Position among the image's feature rows, in the order the vision model emits them.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the image's tokens.</exception>
    public Phi3VisionToken GetToken(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, NumImageTokens);
        int subRowLength = SubImageTokensPerRow + 1;
        int subTokens = SubImageTokenRows * subRowLength;
        if (index < subTokens)
        {
            (int row, int column) = Math.DivRem(index, subRowLength);
            return new Phi3VisionToken(column == SubImageTokensPerRow ? Phi3VisionTokenKind.SubImageRowSeparator : Phi3VisionTokenKind.SubImagePatch, row, column);
        }

        if (index == subTokens)
        {
            return new Phi3VisionToken(Phi3VisionTokenKind.GlobalSeparator, -1, -1);
        }

        (int globalRow, int globalColumn) = Math.DivRem(index - subTokens - 1, TokensPerCropSide + 1);
        return new Phi3VisionToken(
            globalColumn == TokensPerCropSide ? Phi3VisionTokenKind.GlobalRowSeparator : Phi3VisionTokenKind.GlobalPatch, globalRow, globalColumn);
    }
}
