using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace VisPruner.Engine.Tests.Conformance;

/// <summary>
/// Reads a tensor out of ONNX Runtime GenAI's <see cref="NamedTensors"/> (what its <c>MultiModalProcessor</c> returns),
/// which the managed API does not expose: through the same native library's C API. Test oracle only.
/// </summary>
internal static partial class GenAiProcessorOutputs
{
    private const string Library = "onnxruntime-genai";

    public static (long[] Shape, T[] Data) Read<T>(NamedTensors tensors, string name)
        where T : unmanaged
    {
        var handle = (IntPtr)typeof(NamedTensors).GetProperty("Handle", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(tensors)!;
        Check(Get(handle, name, out IntPtr tensor));
        try
        {
            Check(GetRank(tensor, out nuint rank));
            var shape = new long[(int)rank];
            Check(GetShape(tensor, shape, rank));
            Check(GetData(tensor, out IntPtr data));
            var values = new T[shape.Aggregate(1L, (a, b) => a * b)];
            unsafe
            {
                new ReadOnlySpan<T>((void*)data, values.Length).CopyTo(values);
            }

            return (shape, values);
        }
        finally
        {
            DestroyTensor(tensor);
        }
    }

    private static void Check(IntPtr result)
    {
        if (result != IntPtr.Zero)
        {
            string message = Marshal.PtrToStringUTF8(ResultError(result)) ?? "unknown error";
            DestroyResult(result);
            throw new InvalidOperationException(message);
        }
    }

    [LibraryImport(Library, EntryPoint = "OgaNamedTensorsGet", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr Get(IntPtr namedTensors, string name, out IntPtr tensor);

    [LibraryImport(Library, EntryPoint = "OgaTensorGetShapeRank")]
    private static partial IntPtr GetRank(IntPtr tensor, out nuint rank);

    [LibraryImport(Library, EntryPoint = "OgaTensorGetShape")]
    private static partial IntPtr GetShape(IntPtr tensor, [Out] long[] shape, nuint rank);

    [LibraryImport(Library, EntryPoint = "OgaTensorGetData")]
    private static partial IntPtr GetData(IntPtr tensor, out IntPtr data);

    [LibraryImport(Library, EntryPoint = "OgaDestroyTensor")]
    private static partial void DestroyTensor(IntPtr tensor);

    [LibraryImport(Library, EntryPoint = "OgaResultGetError")]
    private static partial IntPtr ResultError(IntPtr result);

    [LibraryImport(Library, EntryPoint = "OgaDestroyResult")]
    private static partial void DestroyResult(IntPtr result);
}
