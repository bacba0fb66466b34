using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace VisPruner.Internal;

/// <summary>
/// All pairwise dot products of packed rows, computed once per selection (the reference recomputes a block of them
/// every round). A 3 x 3 register tile reuses each loaded vector three times, which roughly halves the time of
/// one dot product per pair on AVX2 machines.
/// </summary>
internal static class SimilarityMatrix
{
    private const int Tile = 3;

    /// <summary>Fills the symmetric <paramref name="gram"/> [rows x rows] with the dot products of the rows of <paramref name="x"/> [rows x dim].</summary>
    public static void Compute<T>(ReadOnlySpan<T> x, int rows, int dim, Span<T> gram)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool tiled = Vector.IsHardwareAccelerated && Vector<T>.IsSupported && dim >= Vector<T>.Count;
        int fullTiles = tiled ? rows / Tile * Tile : 0;

        for (int i = 0; i < fullTiles; i += Tile)
        {
            for (int j = i; j < fullTiles; j += Tile)
            {
                DotTile(x, dim, i, j, gram, rows);
            }
        }

        // Rows outside whole tiles: one dot product per pair.
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<T> xi = x.Slice(i * dim, dim);
            for (int j = Math.Max(i, fullTiles); j < rows; j++)
            {
                gram[i * rows + j] = TensorPrimitives.Dot(xi, x.Slice(j * dim, dim));
            }
        }

        // Mirror the upper triangle so every row is contiguous for the scoring loop.
        for (int i = 1; i < rows; i++)
        {
            for (int j = 0; j < i; j++)
            {
                gram[i * rows + j] = gram[j * rows + i];
            }
        }
    }

    private static void DotTile<T>(ReadOnlySpan<T> x, int dim, int i, int j, Span<T> gram, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T a0 = ref Unsafe.AsRef(in x[i * dim]);
        ref T a1 = ref Unsafe.Add(ref a0, dim);
        ref T a2 = ref Unsafe.Add(ref a1, dim);
        ref T b0 = ref Unsafe.AsRef(in x[j * dim]);
        ref T b1 = ref Unsafe.Add(ref b0, dim);
        ref T b2 = ref Unsafe.Add(ref b1, dim);

        Vector<T> s00 = default, s01 = default, s02 = default;
        Vector<T> s10 = default, s11 = default, s12 = default;
        Vector<T> s20 = default, s21 = default, s22 = default;
        int width = Vector<T>.Count;
        nuint k = 0;
        for (; (int)k <= dim - width; k += (nuint)width)
        {
            Vector<T> vb0 = Vector.LoadUnsafe(ref b0, k);
            Vector<T> vb1 = Vector.LoadUnsafe(ref b1, k);
            Vector<T> vb2 = Vector.LoadUnsafe(ref b2, k);
            Vector<T> va = Vector.LoadUnsafe(ref a0, k);
            s00 = MultiplyAdd(va, vb0, s00);
            s01 = MultiplyAdd(va, vb1, s01);
            s02 = MultiplyAdd(va, vb2, s02);
            va = Vector.LoadUnsafe(ref a1, k);
            s10 = MultiplyAdd(va, vb0, s10);
            s11 = MultiplyAdd(va, vb1, s11);
            s12 = MultiplyAdd(va, vb2, s12);
            va = Vector.LoadUnsafe(ref a2, k);
            s20 = MultiplyAdd(va, vb0, s20);
            s21 = MultiplyAdd(va, vb1, s21);
            s22 = MultiplyAdd(va, vb2, s22);
        }

        Span<T> tile = stackalloc T[Tile * Tile];
        tile[0] = Vector.Sum(s00); tile[1] = Vector.Sum(s01); tile[2] = Vector.Sum(s02);
        tile[3] = Vector.Sum(s10); tile[4] = Vector.Sum(s11); tile[5] = Vector.Sum(s12);
        tile[6] = Vector.Sum(s20); tile[7] = Vector.Sum(s21); tile[8] = Vector.Sum(s22);

        int done = (int)k;
        for (int r = 0; r < Tile; r++)
        {
            for (int c = 0; c < Tile; c++)
            {
                T sum = tile[r * Tile + c];
                for (int t = done; t < dim; t++)
                {
                    sum += x[(i + r) * dim + t] * x[(j + c) * dim + t];
                }

                gram[(i + r) * rows + j + c] = sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> MultiplyAdd<T>(Vector<T> a, Vector<T> b, Vector<T> addend)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), addend.As<T, float>()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), addend.As<T, double>()).As<double, T>();
        }

        return (a * b) + addend;
    }
}
