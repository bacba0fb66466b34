namespace VisPruner.Cli.Scenes;

/// <summary>The two scene sets the model is trained and evaluated on: their seeds, sizes and image sources.</summary>
internal static class SceneSets
{
    /// <summary>Seed of the training set (built from Fashion-MNIST's training images).</summary>
    public const int TrainSeed = 1;

    /// <summary>Seed of the held-out set (built from Fashion-MNIST's test images only).</summary>
    public const int HeldOutSeed = 2;

    /// <summary>Scenes in the default held-out set: about 600 questions.</summary>
    public const int HeldOutScenes = 125;

    /// <summary>Questions per template and held-out scene.</summary>
    public const int HeldOutRounds = 1;

    /// <summary>Gets the folder of the Fashion-MNIST test subset shipped with the CLI.</summary>
    public static string BundledTestSubset => Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist-test-subset");

    /// <summary>Gets the Fashion-MNIST test images: from <paramref name="folder"/> if given, else the bundled subset.</summary>
    public static FashionMnist TestImages(string? folder) => FashionMnist.LoadFolder(folder ?? BundledTestSubset, "t10k");
}
