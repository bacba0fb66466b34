namespace VisPruner.OnnxRuntime;

/// <summary>An error reported by ONNX Runtime, carrying its message and <see cref="OrtErrorCode"/>.</summary>
public sealed class OnnxRuntimeException : Exception
{
    /// <summary>Creates an exception for an ONNX Runtime error.</summary>
    /// <param name="errorCode">The native error code.</param>
    /// <param name="message">ONNX Runtime's message.</param>
    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : base($"[ONNX Runtime {errorCode}] {message}")
    {
        ErrorCode = errorCode;
        NativeMessage = message;
    }

    /// <summary>Creates an exception with a message and no native error code.</summary>
    public OnnxRuntimeException() : this(OrtErrorCode.Fail, "ONNX Runtime failed.")
    {
    }

    /// <summary>Creates an exception with a message and no native error code.</summary>
    /// <param name="message">The message.</param>
    public OnnxRuntimeException(string message) : this(OrtErrorCode.Fail, message)
    {
    }

    /// <summary>Creates an exception wrapping another.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public OnnxRuntimeException(string message, Exception innerException) : base(message, innerException)
    {
        ErrorCode = OrtErrorCode.Fail;
        NativeMessage = message;
    }

    /// <summary>The native error code.</summary>
    public OrtErrorCode ErrorCode { get; }

    /// <summary>The message exactly as ONNX Runtime reported it.</summary>
    public string NativeMessage { get; }
}
