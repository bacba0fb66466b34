using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.Engine.ModelFolders;

/// <summary>Reads a folder's ONNX files for inspection or rewriting, their weights left in the external data files.</summary>
internal static class OnnxFiles
{
    /// <exception cref="ModelFolderException">The file is not a valid ONNX model; the exception names it.</exception>
    public static ModelProto LoadDeclarations(string path)
    {
        try
        {
            return OnnxModelFile.Load(path);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFolderException(Path.GetFileName(path), null, $"is not a valid ONNX model ({path}): {ex.Message}", ex);
        }
    }
}
