namespace VisPruner.Engine.Runtime;

/// <summary>
/// Names what to add when the native ONNX Runtime GenAI library is missing: the library references only the managed
/// packages, so an app that adds no native flavour builds cleanly and would otherwise fail at its first request with a
/// type-initialization error that names no package.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>Whether <paramref name="exception"/> (or an exception inside it) is a native library that did not load.</summary>
    public static bool AreMissing(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is DllNotFoundException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The exception to throw instead, naming the packages.</summary>
    public static NotSupportedException Missing(Exception exception)
    {
        string detail = exception.GetBaseException().Message;
        return new NotSupportedException(
            "The native ONNX Runtime GenAI library could not be loaded (" + detail + "). The application must reference exactly one " +
            "native flavour: Microsoft.ML.OnnxRuntimeGenAI (CPU), Microsoft.ML.OnnxRuntimeGenAI.Cuda (NVIDIA GPUs) or " +
            "Microsoft.ML.OnnxRuntimeGenAI.DirectML (Windows); each brings the matching ONNX Runtime.",
            exception);
    }
}
