using System.Buffers.Binary;
using System.IO.Compression;

namespace VisPruner.Scenes;

/// <summary>
/// Fashion-MNIST images and labels read from the dataset's IDX files (plain or gzip-compressed): 28 x 28 grey items,
/// bright on black, in ten classes.
/// </summary>
public sealed class FashionMnist
{
    /// <summary>Pixels per image side.</summary>
    public const int Side = 28;

    /// <summary>The class names, indexed by label, as the scenes' questions and answers spell them.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    private FashionMnist(byte[] pixels, byte[] labels)
    {
        _pixels = pixels;
        _labels = labels;
    }

    /// <summary>Gets the number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Gets the class of image <paramref name="index"/>.</summary>
    public int Label(int index) => _labels[index];

    /// <summary>Gets the 784 grey values of image <paramref name="index"/>, row by row.</summary>
    public ReadOnlySpan<byte> Image(int index) => _pixels.AsSpan(index * Side * Side, Side * Side);

    /// <summary>Reads an images file and its labels file (IDX format, optionally <c>.gz</c>).</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is not the IDX data it should be, or the counts differ.</exception>
    public static FashionMnist Load(string imagesPath, string labelsPath)
    {
        byte[] images = ReadIdx(imagesPath, magic: 0x00000803, out int[] imageDims);
        byte[] labels = ReadIdx(labelsPath, magic: 0x00000801, out int[] labelDims);
        if (imageDims.Length != 3 || imageDims[1] != Side || imageDims[2] != Side)
        {
            throw new InvalidDataException($"{imagesPath}: expected images of {Side}x{Side} pixels, found dimensions {string.Join('x', imageDims)}.");
        }

        if (labelDims[0] != imageDims[0])
        {
            throw new InvalidDataException($"{labelsPath} holds {labelDims[0]} labels for {imageDims[0]} images in {imagesPath}.");
        }

        if (labels.Any(label => label >= ClassNames.Count))
        {
            throw new InvalidDataException($"{labelsPath}: a label is outside 0..{ClassNames.Count - 1}.");
        }

        return new FashionMnist(images, labels);
    }

    /// <summary>Reads the dataset's standard files (<c>{prefix}-images-idx3-ubyte[.gz]</c>, <c>{prefix}-labels-idx1-ubyte[.gz]</c>) from a folder.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="prefix"><c>train</c> or <c>t10k</c>.</param>
    public static FashionMnist LoadFolder(string folder, string prefix) =>
        Load(Find(folder, $"{prefix}-images-idx3-ubyte"), Find(folder, $"{prefix}-labels-idx1-ubyte"));

    private static string Find(string folder, string name)
    {
        foreach (string candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"Fashion-MNIST file {name}(.gz) not found in {folder}.", Path.Combine(folder, name));
    }

    private static byte[] ReadIdx(string path, int magic, out int[] dims)
    {
        using Stream file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> word = stackalloc byte[4];
        stream.ReadExactly(word);
        int found = BinaryPrimitives.ReadInt32BigEndian(word);
        if (found != magic)
        {
            throw new InvalidDataException($"{path}: IDX magic 0x{found:X8}, expected 0x{magic:X8}.");
        }

        dims = new int[magic & 0xFF];
        long count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            stream.ReadExactly(word);
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(word);
            count *= dims[i];
        }

        var data = new byte[count];
        stream.ReadExactly(data);
        return data;
    }
}
