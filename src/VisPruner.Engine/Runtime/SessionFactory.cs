using VisPruner.OnnxRuntime;

namespace VisPruner.Engine.Runtime;

/// <summary>Creates ONNX Runtime sessions for a model folder's files with the engine's execution settings.</summary>
internal static class SessionFactory
{
    public static InferenceSessionOptions CreateOptions(MultimodalEngineOptions options) => new()
    {
        IntraOpThreads = options.IntraOpThreads,
        Cuda = options.ExecutionProvider == ExecutionProvider.Cuda ? new CudaExecutionProviderOptions { DeviceId = options.CudaDeviceId } : null,
    };

    public static InferenceSession Load(string path, InferenceSessionOptions options) =>
        InferenceSession.Load(ModelFolders.ConfiguredFile.Require(path), options);

    /// <summary>Checks that a session has the tensors the configuration names, so a mismatch fails at load, not mid-request.</summary>
    public static void RequireTensors(InferenceSession session, string file, IEnumerable<string> inputs, IEnumerable<string> outputs)
    {
        foreach (string name in inputs.Where(n => !session.InputNames.Contains(n)))
        {
            throw new ModelFolders.ModelFolderException(file, null,
                $"has no input '{name}' (genai_config.json names it); its inputs are {string.Join(", ", session.InputNames)}.");
        }

        foreach (string name in outputs.Where(n => !session.OutputNames.Contains(n)))
        {
            throw new ModelFolders.ModelFolderException(file, null,
                $"has no output '{name}' (genai_config.json names it); its outputs are {string.Join(", ", session.OutputNames)}.");
        }
    }
}
