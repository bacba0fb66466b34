namespace VisPruner.OnnxRuntime;

/// <summary>ONNX Runtime's error codes (<c>OrtErrorCode</c> in the C API).</summary>
public enum OrtErrorCode
{
    /// <summary>No error.</summary>
    Ok = 0,
    /// <summary>Unspecified failure; also returned when a run is terminated.</summary>
    Fail = 1,
    /// <summary>An argument (input name, shape, element type, option) is invalid.</summary>
    InvalidArgument = 2,
    /// <summary>A file does not exist.</summary>
    NoSuchFile = 3,
    /// <summary>No model is loaded.</summary>
    NoModel = 4,
    /// <summary>An execution engine failed.</summary>
    EngineError = 5,
    /// <summary>A kernel threw at run time.</summary>
    RuntimeException = 6,
    /// <summary>The model is not a valid ONNX protobuf.</summary>
    InvalidProtobuf = 7,
    /// <summary>The model is already loaded.</summary>
    ModelLoaded = 8,
    /// <summary>The operation or operator is not implemented by this build.</summary>
    NotImplemented = 9,
    /// <summary>The graph is invalid (type or shape mismatch, missing input, ...).</summary>
    InvalidGraph = 10,
    /// <summary>An execution provider failed.</summary>
    ExecutionProviderFailure = 11,
}
