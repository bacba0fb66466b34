namespace VisPruner.OnnxRuntime.Native;

/// <summary>Reads an <c>OrtTensorTypeAndShapeInfo</c> (not owned: the caller releases it).</summary>
internal static unsafe class TensorInfo
{
    public static TensorElementType ElementType(IntPtr info)
    {
        int type;
        OrtStatus.ThrowIfFailed(OrtApi.GetTensorElementType(info, &type));
        return (TensorElementType)type;
    }

    public static long[] Dimensions(IntPtr info)
    {
        nuint rank;
        OrtStatus.ThrowIfFailed(OrtApi.GetDimensionsCount(info, &rank));
        var dims = new long[(int)rank];
        fixed (long* p = dims)
        {
            OrtStatus.ThrowIfFailed(OrtApi.GetDimensions(info, p, rank));
        }

        return dims;
    }

    /// <summary>The symbolic name of each dimension; null where the dimension has none.</summary>
    public static string?[] SymbolicDimensions(IntPtr info, int rank)
    {
        var names = new string?[rank];
        if (rank == 0)
        {
            return names;
        }

        var pointers = stackalloc byte*[rank];
        OrtStatus.ThrowIfFailed(OrtApi.GetSymbolicDimensions(info, pointers, (nuint)rank));
        for (int i = 0; i < rank; i++)
        {
            string? name = Utf8.ToString(pointers[i]);
            names[i] = string.IsNullOrEmpty(name) ? null : name;
        }

        return names;
    }
}
