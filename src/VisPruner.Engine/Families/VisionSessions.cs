using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.Engine.Families;

/// <summary>Creates the ONNX Runtime session of a folder's vision model, as read (and possibly rewritten) in memory.</summary>
internal static class VisionSessions
{
    /// <summary>
    /// Loads <paramref name="model"/> from memory; its external weights (<c>.onnx.data</c>) stay next to the original file
    /// at <paramref name="path"/>.
    /// </summary>
    /// <exception cref="ModelFolderException">ONNX Runtime rejects the model or its external data (the file is named).</exception>
    public static InferenceSession Create(string path, ModelProto model, MultimodalEngineOptions engineOptions)
    {
        using SessionOptions options = ExecutionProviderSetup.CreateSessionOptions(engineOptions);
        options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            return new InferenceSession(OnnxModelFile.ToBytes(model), options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelFolderException(Path.GetFileName(path), null, $"ONNX Runtime cannot load the vision model (or its external data): {ex.Message}", ex);
        }
    }
}
