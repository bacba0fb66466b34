using System.Runtime.InteropServices;

namespace VisPruner.OnnxRuntime.Native;

/// <summary>
/// The entries of ONNX Runtime's <c>OrtApi</c> function table this binding calls, read once from
/// <c>OrtGetApiBase()->GetApi(<see cref="Version"/>)</c>. The table is append-only across releases,
/// so an entry's index is fixed by the API version that introduced it; requesting the lowest version
/// that has every entry used here keeps newer native builds working.
/// </summary>
/// <remarks>
/// Handles are passed as <see cref="IntPtr"/>; every status-returning entry returns an
/// <c>OrtStatus*</c> that is null on success (see <see cref="OrtStatus.ThrowIfFailed"/>).
/// </remarks>
internal static unsafe class OrtApi
{
    /// <summary>API version 11 added the CUDA V2 provider options, the newest entries used here.</summary>
    public const uint Version = 11;

    // Indices into the OrtApi struct (public C API header; entries never move).
    private const int IdxGetErrorCode = 1;
    private const int IdxGetErrorMessage = 2;
    private const int IdxCreateEnvWithCustomLogger = 4;
    private const int IdxCreateSession = 7;
    private const int IdxCreateSessionFromArray = 8;
    private const int IdxRun = 9;
    private const int IdxCreateSessionOptions = 10;
    private const int IdxSetSessionExecutionMode = 13;
    private const int IdxSetSessionLogSeverityLevel = 22;
    private const int IdxSetSessionGraphOptimizationLevel = 23;
    private const int IdxSetIntraOpNumThreads = 24;
    private const int IdxSetInterOpNumThreads = 25;
    private const int IdxSessionGetInputCount = 30;
    private const int IdxSessionGetOutputCount = 31;
    private const int IdxSessionGetInputTypeInfo = 33;
    private const int IdxSessionGetOutputTypeInfo = 34;
    private const int IdxSessionGetInputName = 36;
    private const int IdxSessionGetOutputName = 37;
    private const int IdxCreateRunOptions = 39;
    private const int IdxRunOptionsSetTerminate = 46;
    private const int IdxCreateTensorAsOrtValue = 48;
    private const int IdxCreateTensorWithDataAsOrtValue = 49;
    private const int IdxGetTensorMutableData = 51;
    private const int IdxCastTypeInfoToTensorInfo = 55;
    private const int IdxGetOnnxTypeFromTypeInfo = 56;
    private const int IdxGetTensorElementType = 60;
    private const int IdxGetDimensionsCount = 61;
    private const int IdxGetDimensions = 62;
    private const int IdxGetSymbolicDimensions = 63;
    private const int IdxGetTensorTypeAndShape = 65;
    private const int IdxGetValueType = 67;
    private const int IdxCreateCpuMemoryInfo = 69;
    private const int IdxAllocatorFree = 76;
    private const int IdxGetAllocatorWithDefaultOptions = 78;
    private const int IdxReleaseStatus = 93;
    private const int IdxReleaseSession = 95;
    private const int IdxReleaseValue = 96;
    private const int IdxReleaseRunOptions = 97;
    private const int IdxReleaseTypeInfo = 98;
    private const int IdxReleaseTensorTypeAndShapeInfo = 99;
    private const int IdxReleaseSessionOptions = 100;
    private const int IdxGetAvailableProviders = 125;
    private const int IdxReleaseAvailableProviders = 126;
    private const int IdxAddSessionConfigEntry = 130;
    private const int IdxRunWithBinding = 133;
    private const int IdxCreateIoBinding = 134;
    private const int IdxReleaseIoBinding = 135;
    private const int IdxBindInput = 136;
    private const int IdxBindOutput = 137;
    private const int IdxBindOutputToDevice = 138;
    private const int IdxGetBoundOutputValues = 140;
    private const int IdxClearBoundInputs = 141;
    private const int IdxClearBoundOutputs = 142;
    private const int IdxSessionOptionsAppendExecutionProviderCudaV2 = 204;
    private const int IdxCreateCudaProviderOptions = 205;
    private const int IdxUpdateCudaProviderOptions = 206;
    private const int IdxReleaseCudaProviderOptions = 208;

    public static delegate* unmanaged<IntPtr, int> GetErrorCode;
    public static delegate* unmanaged<IntPtr, byte*> GetErrorMessage;
    public static delegate* unmanaged<IntPtr, IntPtr, int, byte*, IntPtr*, IntPtr> CreateEnvWithCustomLogger;
    public static delegate* unmanaged<IntPtr, void*, IntPtr, IntPtr*, IntPtr> CreateSession;
    public static delegate* unmanaged<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr> CreateSessionFromArray;
    public static delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr> Run;
    public static delegate* unmanaged<IntPtr*, IntPtr> CreateSessionOptions;
    public static delegate* unmanaged<IntPtr, int, IntPtr> SetSessionExecutionMode;
    public static delegate* unmanaged<IntPtr, int, IntPtr> SetSessionLogSeverityLevel;
    public static delegate* unmanaged<IntPtr, int, IntPtr> SetSessionGraphOptimizationLevel;
    public static delegate* unmanaged<IntPtr, int, IntPtr> SetIntraOpNumThreads;
    public static delegate* unmanaged<IntPtr, int, IntPtr> SetInterOpNumThreads;
    public static delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetInputCount;
    public static delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetOutputCount;
    public static delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr> SessionGetInputTypeInfo;
    public static delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr> SessionGetOutputTypeInfo;
    public static delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetInputName;
    public static delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetOutputName;
    public static delegate* unmanaged<IntPtr*, IntPtr> CreateRunOptions;
    public static delegate* unmanaged<IntPtr, IntPtr> RunOptionsSetTerminate;
    public static delegate* unmanaged<IntPtr, long*, nuint, int, IntPtr*, IntPtr> CreateTensorAsOrtValue;
    public static delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr> CreateTensorWithDataAsOrtValue;
    public static delegate* unmanaged<IntPtr, void**, IntPtr> GetTensorMutableData;
    public static delegate* unmanaged<IntPtr, IntPtr*, IntPtr> CastTypeInfoToTensorInfo;
    public static delegate* unmanaged<IntPtr, int*, IntPtr> GetOnnxTypeFromTypeInfo;
    public static delegate* unmanaged<IntPtr, int*, IntPtr> GetTensorElementType;
    public static delegate* unmanaged<IntPtr, nuint*, IntPtr> GetDimensionsCount;
    public static delegate* unmanaged<IntPtr, long*, nuint, IntPtr> GetDimensions;
    public static delegate* unmanaged<IntPtr, byte**, nuint, IntPtr> GetSymbolicDimensions;
    public static delegate* unmanaged<IntPtr, IntPtr*, IntPtr> GetTensorTypeAndShape;
    public static delegate* unmanaged<IntPtr, int*, IntPtr> GetValueType;
    public static delegate* unmanaged<int, int, IntPtr*, IntPtr> CreateCpuMemoryInfo;
    public static delegate* unmanaged<IntPtr, void*, IntPtr> AllocatorFree;
    public static delegate* unmanaged<IntPtr*, IntPtr> GetAllocatorWithDefaultOptions;
    public static delegate* unmanaged<IntPtr, void> ReleaseStatus;
    public static delegate* unmanaged<IntPtr, void> ReleaseSession;
    public static delegate* unmanaged<IntPtr, void> ReleaseValue;
    public static delegate* unmanaged<IntPtr, void> ReleaseRunOptions;
    public static delegate* unmanaged<IntPtr, void> ReleaseTypeInfo;
    public static delegate* unmanaged<IntPtr, void> ReleaseTensorTypeAndShapeInfo;
    public static delegate* unmanaged<IntPtr, void> ReleaseSessionOptions;
    public static delegate* unmanaged<byte***, int*, IntPtr> GetAvailableProviders;
    public static delegate* unmanaged<byte**, int, IntPtr> ReleaseAvailableProviders;
    public static delegate* unmanaged<IntPtr, byte*, byte*, IntPtr> AddSessionConfigEntry;
    public static delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr> RunWithBinding;
    public static delegate* unmanaged<IntPtr, IntPtr*, IntPtr> CreateIoBinding;
    public static delegate* unmanaged<IntPtr, void> ReleaseIoBinding;
    public static delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr> BindInput;
    public static delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr> BindOutput;
    public static delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr> BindOutputToDevice;
    public static delegate* unmanaged<IntPtr, IntPtr, IntPtr**, nuint*, IntPtr> GetBoundOutputValues;
    public static delegate* unmanaged<IntPtr, void> ClearBoundInputs;
    public static delegate* unmanaged<IntPtr, void> ClearBoundOutputs;
    public static delegate* unmanaged<IntPtr, IntPtr, IntPtr> SessionOptionsAppendExecutionProviderCudaV2;
    public static delegate* unmanaged<IntPtr*, IntPtr> CreateCudaProviderOptions;
    public static delegate* unmanaged<IntPtr, byte**, byte**, nuint, IntPtr> UpdateCudaProviderOptions;
    public static delegate* unmanaged<IntPtr, void> ReleaseCudaProviderOptions;

    /// <summary>Fills every entry from the table returned by <c>GetApi</c>.</summary>
    public static void Bind(IntPtr table)
    {
        var t = (IntPtr*)table;
        GetErrorCode = (delegate* unmanaged<IntPtr, int>)t[IdxGetErrorCode];
        GetErrorMessage = (delegate* unmanaged<IntPtr, byte*>)t[IdxGetErrorMessage];
        CreateEnvWithCustomLogger = (delegate* unmanaged<IntPtr, IntPtr, int, byte*, IntPtr*, IntPtr>)t[IdxCreateEnvWithCustomLogger];
        CreateSession = (delegate* unmanaged<IntPtr, void*, IntPtr, IntPtr*, IntPtr>)t[IdxCreateSession];
        CreateSessionFromArray = (delegate* unmanaged<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr>)t[IdxCreateSessionFromArray];
        Run = (delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)t[IdxRun];
        CreateSessionOptions = (delegate* unmanaged<IntPtr*, IntPtr>)t[IdxCreateSessionOptions];
        SetSessionExecutionMode = (delegate* unmanaged<IntPtr, int, IntPtr>)t[IdxSetSessionExecutionMode];
        SetSessionLogSeverityLevel = (delegate* unmanaged<IntPtr, int, IntPtr>)t[IdxSetSessionLogSeverityLevel];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<IntPtr, int, IntPtr>)t[IdxSetSessionGraphOptimizationLevel];
        SetIntraOpNumThreads = (delegate* unmanaged<IntPtr, int, IntPtr>)t[IdxSetIntraOpNumThreads];
        SetInterOpNumThreads = (delegate* unmanaged<IntPtr, int, IntPtr>)t[IdxSetInterOpNumThreads];
        SessionGetInputCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[IdxSessionGetInputCount];
        SessionGetOutputCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[IdxSessionGetOutputCount];
        SessionGetInputTypeInfo = (delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)t[IdxSessionGetInputTypeInfo];
        SessionGetOutputTypeInfo = (delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)t[IdxSessionGetOutputTypeInfo];
        SessionGetInputName = (delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr>)t[IdxSessionGetInputName];
        SessionGetOutputName = (delegate* unmanaged<IntPtr, nuint, IntPtr, byte**, IntPtr>)t[IdxSessionGetOutputName];
        CreateRunOptions = (delegate* unmanaged<IntPtr*, IntPtr>)t[IdxCreateRunOptions];
        RunOptionsSetTerminate = (delegate* unmanaged<IntPtr, IntPtr>)t[IdxRunOptionsSetTerminate];
        CreateTensorAsOrtValue = (delegate* unmanaged<IntPtr, long*, nuint, int, IntPtr*, IntPtr>)t[IdxCreateTensorAsOrtValue];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)t[IdxCreateTensorWithDataAsOrtValue];
        GetTensorMutableData = (delegate* unmanaged<IntPtr, void**, IntPtr>)t[IdxGetTensorMutableData];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)t[IdxCastTypeInfoToTensorInfo];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged<IntPtr, int*, IntPtr>)t[IdxGetOnnxTypeFromTypeInfo];
        GetTensorElementType = (delegate* unmanaged<IntPtr, int*, IntPtr>)t[IdxGetTensorElementType];
        GetDimensionsCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[IdxGetDimensionsCount];
        GetDimensions = (delegate* unmanaged<IntPtr, long*, nuint, IntPtr>)t[IdxGetDimensions];
        GetSymbolicDimensions = (delegate* unmanaged<IntPtr, byte**, nuint, IntPtr>)t[IdxGetSymbolicDimensions];
        GetTensorTypeAndShape = (delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)t[IdxGetTensorTypeAndShape];
        GetValueType = (delegate* unmanaged<IntPtr, int*, IntPtr>)t[IdxGetValueType];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, IntPtr*, IntPtr>)t[IdxCreateCpuMemoryInfo];
        AllocatorFree = (delegate* unmanaged<IntPtr, void*, IntPtr>)t[IdxAllocatorFree];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<IntPtr*, IntPtr>)t[IdxGetAllocatorWithDefaultOptions];
        ReleaseStatus = (delegate* unmanaged<IntPtr, void>)t[IdxReleaseStatus];
        ReleaseSession = (delegate* unmanaged<IntPtr, void>)t[IdxReleaseSession];
        ReleaseValue = (delegate* unmanaged<IntPtr, void>)t[IdxReleaseValue];
        ReleaseRunOptions = (delegate* unmanaged<IntPtr, void>)t[IdxReleaseRunOptions];
        ReleaseTypeInfo = (delegate* unmanaged<IntPtr, void>)t[IdxReleaseTypeInfo];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<IntPtr, void>)t[IdxReleaseTensorTypeAndShapeInfo];
        ReleaseSessionOptions = (delegate* unmanaged<IntPtr, void>)t[IdxReleaseSessionOptions];
        GetAvailableProviders = (delegate* unmanaged<byte***, int*, IntPtr>)t[IdxGetAvailableProviders];
        ReleaseAvailableProviders = (delegate* unmanaged<byte**, int, IntPtr>)t[IdxReleaseAvailableProviders];
        AddSessionConfigEntry = (delegate* unmanaged<IntPtr, byte*, byte*, IntPtr>)t[IdxAddSessionConfigEntry];
        RunWithBinding = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr>)t[IdxRunWithBinding];
        CreateIoBinding = (delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)t[IdxCreateIoBinding];
        ReleaseIoBinding = (delegate* unmanaged<IntPtr, void>)t[IdxReleaseIoBinding];
        BindInput = (delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr>)t[IdxBindInput];
        BindOutput = (delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr>)t[IdxBindOutput];
        BindOutputToDevice = (delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr>)t[IdxBindOutputToDevice];
        GetBoundOutputValues = (delegate* unmanaged<IntPtr, IntPtr, IntPtr**, nuint*, IntPtr>)t[IdxGetBoundOutputValues];
        ClearBoundInputs = (delegate* unmanaged<IntPtr, void>)t[IdxClearBoundInputs];
        ClearBoundOutputs = (delegate* unmanaged<IntPtr, void>)t[IdxClearBoundOutputs];
        SessionOptionsAppendExecutionProviderCudaV2 = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)t[IdxSessionOptionsAppendExecutionProviderCudaV2];
        CreateCudaProviderOptions = (delegate* unmanaged<IntPtr*, IntPtr>)t[IdxCreateCudaProviderOptions];
        UpdateCudaProviderOptions = (delegate* unmanaged<IntPtr, byte**, byte**, nuint, IntPtr>)t[IdxUpdateCudaProviderOptions];
        ReleaseCudaProviderOptions = (delegate* unmanaged<IntPtr, void>)t[IdxReleaseCudaProviderOptions];
    }
}
