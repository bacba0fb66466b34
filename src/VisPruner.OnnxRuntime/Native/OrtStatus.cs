namespace VisPruner.OnnxRuntime.Native;

/// <summary>Turns an <c>OrtStatus*</c> into an <see cref="OnnxRuntimeException"/>, releasing the status.</summary>
internal static unsafe class OrtStatus
{
    /// <summary>Throws when <paramref name="status"/> is not null (null means success).</summary>
    public static void ThrowIfFailed(IntPtr status)
    {
        if (status != IntPtr.Zero)
        {
            throw ToException(status);
        }
    }

    /// <summary>Reads code and message from a failed status and releases it.</summary>
    public static OnnxRuntimeException ToException(IntPtr status)
    {
        try
        {
            var code = (OrtErrorCode)OrtApi.GetErrorCode(status);
            string message = Utf8.ToString(OrtApi.GetErrorMessage(status)) ?? "(no message)";
            return new OnnxRuntimeException(code, message);
        }
        finally
        {
            OrtApi.ReleaseStatus(status);
        }
    }
}
