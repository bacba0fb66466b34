namespace VisPruner.DemoModels.Tests.Phi3Vision;

/// <summary>The files the training script wrote for these tests (see training/README.md).</summary>
internal static class TrainingFixtures
{
    public static string File(string name) => Path.Combine(AppContext.BaseDirectory, "Phi3Vision", "Fixtures", "fashion-scenes", name);
}
