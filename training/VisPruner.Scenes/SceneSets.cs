using VisPruner.DemoModels;

namespace VisPruner.Scenes;

/// <summary>The two scene sets the model is trained and evaluated on: their seeds, sizes and image sources.</summary>
public static class SceneSets
{
    /// <summary>Seed of the training set (built from Fashion-MNIST's training images).</summary>
    public const int TrainSeed = 1;

    /// <summary>Seed of the held-out set (built from Fashion-MNIST's test images only).</summary>
    public const int HeldOutSeed = 2;

    /// <summary>Scenes in the default held-out set: about 2,000 questions, so that a question type's accuracy has an interval of about +-5 points.</summary>
    public const int HeldOutScenes = 400;

    /// <summary>Questions per template and held-out scene.</summary>
    public const int HeldOutRounds = 1;

    /// <summary>How reports name the default held-out set.</summary>
    public const string HeldOutDescription = "held-out Fashion-MNIST scenes (seed 2, test images only)";

    /// <summary>Gets the folder of the Fashion-MNIST test subset copied next to the program.</summary>
    public static string BundledTestSubset => Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-test-subset");

    /// <summary>Gets the Fashion-MNIST test images: from <paramref name="folder"/> if given, else the bundled subset.</summary>
    public static FashionMnist TestImages(string? folder) => FashionMnist.LoadFolder(folder ?? BundledTestSubset, "t10k");

    /// <summary>
    /// Returns the default held-out set's folder in the cache (<see cref="DemoModelCache"/>), writing it first (with a
    /// progress bar on standard error) if no process has yet.
    /// </summary>
    /// <param name="cancellationToken">Checked between scenes.</param>
    /// <returns>The folder, holding <see cref="SceneSetWriter.QuestionsFile"/> and its images.</returns>
    public static async Task<string> GetOrCreateHeldOutAsync(CancellationToken cancellationToken)
    {
        string folder = Path.Combine(DemoModelCache.Root, "eval-sets", $"fashion-scenes-heldout-{HeldOutSeed}-{HeldOutScenes}");
        if (File.Exists(Path.Combine(folder, SceneSetWriter.QuestionsFile)))
        {
            return folder;
        }

        // Written aside and moved into place, so a concurrent or interrupted run never leaves a half-written set.
        string staging = folder + ".tmp-" + Environment.ProcessId;
        using (var bar = new ProgressBar(Console.Error, "held-out scenes", HeldOutScenes))
        {
            await SceneSetWriter.WriteAsync(staging, new SceneRecipe(TestImages(null), HeldOutSeed), HeldOutScenes, HeldOutRounds, bar, cancellationToken);
            bar.Complete();
        }

        try
        {
            Directory.Move(staging, folder);
        }
        catch (IOException) when (Directory.Exists(folder))
        {
            Directory.Delete(staging, recursive: true);
        }

        return folder;
    }
}
