using System.Runtime.InteropServices;

namespace VisPruner.OnnxRuntime;

/// <summary>A brain-float (bfloat16) value: the upper 16 bits of an IEEE single.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BFloat16(ushort Bits)
{
    /// <summary>Rounds a float to the nearest bfloat16 (ties to even); NaN stays NaN.</summary>
    public static BFloat16 FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return new BFloat16((ushort)((bits >> 16) | 0x40));
        }

        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return new BFloat16((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>The exact float value.</summary>
    public float ToSingle() => BitConverter.UInt32BitsToSingle((uint)Bits << 16);

    /// <summary>Converts to float.</summary>
    public static explicit operator float(BFloat16 value) => value.ToSingle();

    /// <summary>Rounds a float to bfloat16.</summary>
    public static explicit operator BFloat16(float value) => FromSingle(value);
}
