using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ModelFolders;

namespace VisPruner.Engine.Families;

/// <summary>Checks that a vision model has the tensors the configuration names, so a mismatch fails at load.</summary>
internal static class VisionTensors
{
    /// <exception cref="ModelFolderException">An input or the image features output is missing; the message lists what the model has.</exception>
    public static void Require(InferenceSession session, VisionConfig vision, params string[] inputs)
    {
        foreach (string name in inputs.Where(n => !session.InputMetadata.ContainsKey(n)))
        {
            throw new ModelFolderException(vision.FileName, null,
                $"has no input '{name}' (genai_config.json names it); its inputs are {string.Join(", ", session.InputMetadata.Keys)}.");
        }

        if (!session.OutputMetadata.ContainsKey(vision.ImageFeaturesName))
        {
            throw new ModelFolderException(vision.FileName, null,
                $"has no output '{vision.ImageFeaturesName}' (genai_config.json names it); its outputs are {string.Join(", ", session.OutputMetadata.Keys)}.");
        }
    }
}
