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
        Check(Get(Handle(tensors), name, out IntPtr tensor));
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

    /// <summary>The names of the tensors in <paramref name="tensors"/>, in GenAI's order.</summary>
    public static string[] Names(NamedTensors tensors)
    {
        Check(GetNames(Handle(tensors), out IntPtr array));
        try
        {
            Check(GetCount(array, out nuint count));
            var names = new string[(int)count];
            for (int i = 0; i < names.Length; i++)
            {
                Check(GetString(array, (nuint)i, out IntPtr name));
                names[i] = Marshal.PtrToStringUTF8(name) ?? string.Empty;
            }

            return names;
        }
        finally
        {
            DestroyStringArray(array);
        }
    }

    /// <summary>The element type of the tensor <paramref name="name"/>.</summary>
    public static ElementType TypeOf(NamedTensors tensors, string name)
    {
        Check(Get(Handle(tensors), name, out IntPtr tensor));
        try
        {
            Check(GetElementType(tensor, out ElementType type));
            return type;
        }
        finally
        {
            DestroyTensor(tensor);
        }
    }

    private static IntPtr Handle(NamedTensors tensors) =>
        (IntPtr)typeof(NamedTensors).GetProperty("Handle", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(tensors)!;

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

    [LibraryImport(Library, EntryPoint = "OgaNamedTensorsGetNames")]
    private static partial IntPtr GetNames(IntPtr namedTensors, out IntPtr stringArray);

    [LibraryImport(Library, EntryPoint = "OgaStringArrayGetCount")]
    private static partial IntPtr GetCount(IntPtr stringArray, out nuint count);

    [LibraryImport(Library, EntryPoint = "OgaStringArrayGetString")]
    private static partial IntPtr GetString(IntPtr stringArray, nuint index, out IntPtr value);

    [LibraryImport(Library, EntryPoint = "OgaDestroyStringArray")]
    private static partial void DestroyStringArray(IntPtr stringArray);

    [LibraryImport(Library, EntryPoint = "OgaTensorGetType")]
    private static partial IntPtr GetElementType(IntPtr tensor, out ElementType type);

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
