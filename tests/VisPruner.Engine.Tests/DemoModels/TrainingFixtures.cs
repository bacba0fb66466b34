namespace VisPruner.Engine.Tests.DemoModels;

/// <summary>The files the training script wrote for these tests (see training/README.md).</summary>
internal static class TrainingFixtures
{
    public static string File(string name) => Path.Combine(AppContext.BaseDirectory, "DemoModels", "Fixtures", "fashion-scenes", name);
}
