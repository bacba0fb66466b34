using VisPruner.OnnxRuntime.Native;
using Xunit;

namespace VisPruner.OnnxRuntime.Tests;

public class ErrorTests
{
    [Fact]
    public void A_missing_model_file_is_a_FileNotFoundException_naming_it()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-model.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => InferenceSession.Load(path));

        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void A_corrupt_model_carries_the_runtime_message_and_error_code()
    {
        byte[] truncated = TestModels.AddAndDouble()[..40];

        var error = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.Load(truncated));

        Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(error.NativeMessage));
        Assert.Throws<ArgumentException>(() => InferenceSession.Load(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void An_unknown_input_name_lists_the_model_inputs()
    {
        using var session = InferenceSession.Load(TestModels.AddOne(1, 3));
        using var x = OrtValue.CreateTensor(new float[3], [1, 3]);

        var error = Assert.Throws<ArgumentException>(() => session.Run([KeyValuePair.Create("wrong", x)]));

        Assert.Contains("'wrong'", error.Message);
        Assert.Contains("x", error.Message);
    }

    [Fact]
    public void Wrong_shape_wrong_type_and_missing_inputs_are_runtime_errors_naming_the_input()
    {
        using var session = InferenceSession.Load(TestModels.AddAndDouble());
        using var good = OrtValue.CreateTensor(new float[3], [1, 3]);
        using var badShape = OrtValue.CreateTensor(new float[4], [1, 4]);
        using var badType = OrtValue.CreateTensor(new long[3], [1, 3]);

        var shape = Assert.Throws<OnnxRuntimeException>(() => session.Run([KeyValuePair.Create("a", good), KeyValuePair.Create("b", badShape)]));
        var type = Assert.Throws<OnnxRuntimeException>(() => session.Run([KeyValuePair.Create("a", good), KeyValuePair.Create("b", badType)]));
        var missing = Assert.Throws<OnnxRuntimeException>(() => session.Run([KeyValuePair.Create("a", good)]));

        Assert.Equal(OrtErrorCode.InvalidArgument, shape.ErrorCode);
        Assert.Contains("b", shape.NativeMessage);
        Assert.Equal(OrtErrorCode.InvalidArgument, type.ErrorCode);
        Assert.Contains("int64", type.NativeMessage);
        Assert.Contains("Missing Input: b", missing.NativeMessage);
    }

    [Fact]
    public void Asking_for_CUDA_on_a_CPU_build_says_what_to_install()
    {
        var options = new InferenceSessionOptions { Cuda = new CudaExecutionProviderOptions() };

        var error = Assert.Throws<NotSupportedException>(() => InferenceSession.Load(TestModels.AddOne(1, 1), options));

        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", error.Message);
    }

    [Fact]
    public void A_missing_native_library_says_exactly_what_to_install()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "libonnxruntime.so");

        var explicitPath = Assert.Throws<DllNotFoundException>(() => NativeLibraryLocator.Load(missing, null, probeDefaults: false, []));
        var nothing = Assert.Throws<DllNotFoundException>(() => NativeLibraryLocator.Load(null, null, probeDefaults: false, [missing]));

        Assert.Contains(missing, explicitPath.Message);
        Assert.Contains("Microsoft.ML.OnnxRuntime", nothing.Message);
        Assert.Contains(NativeLibraryLocator.EnvironmentVariable, nothing.Message);
        Assert.Contains("onnxruntime-node@1.30.0", nothing.Message);
        Assert.Contains(missing, nothing.Message);
    }

    [Fact]
    public void The_environment_variable_path_is_used_when_no_explicit_path_is_given()
    {
        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", OperatingSystem.IsWindows() ? "win-x64" : "linux-x64", "native",
            OperatingSystem.IsWindows() ? "onnxruntime.dll" : "libonnxruntime.so");
        Assert.True(File.Exists(library), "the build copies the fetched native library next to the tests");

        NativeLibraryLocator.LoadedLibrary loaded = NativeLibraryLocator.Load(null, library, probeDefaults: false, []);

        Assert.Equal(library, loaded.Source);
        Assert.NotEqual(IntPtr.Zero, loaded.Handle);
    }
}
