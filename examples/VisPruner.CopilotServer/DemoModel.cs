using VisPruner.Engine.DemoModels;

namespace VisPruner.CopilotServer;

/// <summary>The tiny demo model with random weights, written once into the user's cache, for when no model folder is configured.</summary>
internal static class DemoModel
{
    public static string EnsureFolder()
    {
        string cache = Environment.GetEnvironmentVariable("VISPRUNER_CACHE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "vispruner");
        string folder = Path.Combine(cache, "demo-models", "tiny-phi3v-1");
        if (!File.Exists(Path.Combine(folder, "genai_config.json")))
        {
            // Written beside the final place and moved, so a concurrent start never sees half a folder.
            string staging = folder + ".tmp-" + Environment.ProcessId;
            TinyPhi3VisionModel.Write(staging, new TinyPhi3VisionOptions { PastPresentShareBuffer = true });
            try
            {
                Directory.Move(staging, folder);
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        return folder;
    }
}
