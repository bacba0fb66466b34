using System.Numerics.Tensors;

namespace VisPruner.Benchmarks.Selection;

/// <summary>
/// The straightforward way to write VisPruner, for comparison only: like the reference, it recomputes the a x b
/// similarities every round and allocates as it goes.
/// </summary>
internal static class RecomputePerRoundVisPruner
{
    public static int[] Select(float[] features, int dim, float[] importance, int budget, double ratio)
    {
        int n = importance.Length;
        int important = (int)Math.Floor(budget * ratio);
        int diverse = budget - important;
        int[] order = [.. Enumerable.Range(0, n).OrderByDescending(i => importance[i])];
        var unit = new float[features.Length];
        for (int t = 0; t < n; t++)
        {
            ReadOnlySpan<float> row = features.AsSpan(t * dim, dim);
            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), unit.AsSpan(t * dim, dim));
        }

        List<int> residual = [.. order.Skip(important)];
        while (diverse > 0)
        {
            int step = Math.Min(8, residual.Count - diverse);
            if (step <= 0)
            {
                break;
            }

            List<int> a = [.. residual.Where((_, p) => p % 2 == 0)];
            List<int> b = [.. residual.Where((_, p) => p % 2 == 1)];
            var scores = new float[a.Count];
            for (int i = 0; i < a.Count; i++)
            {
                scores[i] = b.Max(j => TensorPrimitives.Dot(unit.AsSpan(a[i] * dim, dim), unit.AsSpan(j * dim, dim)));
            }

            residual = [.. Enumerable.Range(0, a.Count).OrderByDescending(i => scores[i]).Skip(step).Select(i => a[i]), .. b];
        }

        return [.. order.Take(important).Concat(diverse > 0 ? residual : []).Order()];
    }
}
