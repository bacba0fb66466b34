using System.Numerics;

namespace VisPruner.Internal;

/// <summary>Argument checks shared by the selectors, so every one reports bad input the same way.</summary>
internal static class Guard
{
    public static void Budget(int budget, int count, int destinationLength, string destinationName = "destination")
    {
        if (budget < 1 || budget > count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(budget), budget, $"The budget must be between 1 and the token count ({count}).");
        }

        if (destinationLength < budget)
        {
            throw new ArgumentException(
                $"The destination holds {destinationLength} indices but the budget is {budget}.", destinationName);
        }
    }

    public static void Finite<T>(ReadOnlySpan<T> values, string what, string paramName = "tokens")
        where T : IFloatingPointIeee754<T>
    {
        int index = IndexOfNonFinite(values);
        if (index >= 0)
        {
            throw new ArgumentException($"The {what} hold a non-finite value ({values[index]}) at element {index}.", paramName);
        }
    }

    public static void Importance<T>(VisualTokens<T> tokens, string selector)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (tokens.Importance.IsEmpty)
        {
            throw new ArgumentException($"The {selector} selector needs an importance score per token.", nameof(tokens));
        }

        Finite(tokens.Importance, "importance scores", nameof(tokens));
    }

    public static int IndexOfNonFinite<T>(ReadOnlySpan<T> values)
        where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
