using System.Numerics;
using VisPruner.Internal;

namespace VisPruner.Selection;

/// <summary>
/// Keeps tokens on an even lattice over the spatial grid (<see cref="VisualTokens{T}.GridWidth"/>), ignoring their
/// content: the honest baseline every content-aware selector must beat.
/// </summary>
/// <remarks>
/// The budget is spread over evenly spaced rows (about as many as keep the lattice square, and at least enough rows
/// to fit the budget); each row keeps evenly spaced columns, earlier rows taking the remainder one token each.
/// </remarks>
public sealed class UniformSpatialSelector : IVisualTokenSelector
{
    /// <inheritdoc />
    public string Name => "uniform";

    /// <inheritdoc />
    public void SelectTokens<T>(VisualTokens<T> tokens, int budget, Span<int> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Budget(budget, tokens.Count, destination.Length);
        int width = tokens.GridWidth;
        int height = tokens.GridHeight;

        int rows = (int)Math.Round(Math.Sqrt((double)budget * height / width));
        rows = Math.Clamp(rows, (budget + width - 1) / width, Math.Min(height, budget));

        int written = 0;
        for (int r = 0; r < rows; r++)
        {
            // Cell centres: row r of `rows` sits at floor((r + 1/2) * height / rows), likewise for columns.
            int y = ((2 * r) + 1) * height / (2 * rows);
            int inRow = (budget / rows) + (r < budget % rows ? 1 : 0);
            for (int c = 0; c < inRow; c++)
            {
                int x = ((2 * c) + 1) * width / (2 * inRow);
                destination[written++] = (y * width) + x;
            }
        }
    }
}
