using System.Text;

namespace VisPruner.Scenes.SelectionDemo;

/// <summary>Draws the token grid: '#' kept by importance, 'o' kept for diversity, '.' dropped; lower case marks object tokens.</summary>
internal static class SceneMap
{
    public static string Render(SyntheticScene scene, ReadOnlySpan<int> kept, int importantCount)
    {
        // The first `importantCount` tokens by importance among the kept ones are the importance-chosen part.
        int[] keptByImportance = [.. kept.ToArray().OrderByDescending(t => scene.Importance[t]).ThenBy(t => t)];
        var role = new char[SyntheticScene.Side * SyntheticScene.Side];
        Array.Fill(role, '.');
        for (int k = 0; k < keptByImportance.Length; k++)
        {
            role[keptByImportance[k]] = k < importantCount ? '#' : 'o';
        }

        var text = new StringBuilder();
        text.AppendLine("kept tokens ('#' by [CLS] attention, 'o' for diversity, '.' dropped; objects shown on the right)");
        for (int y = 0; y < SyntheticScene.Side; y++)
        {
            for (int x = 0; x < SyntheticScene.Side; x++)
            {
                text.Append(role[(y * SyntheticScene.Side) + x]).Append(' ');
            }

            text.Append("   ");
            for (int x = 0; x < SyntheticScene.Side; x++)
            {
                int o = scene.ObjectAt((y * SyntheticScene.Side) + x);
                text.Append(o >= 0 ? (char)('A' + o) : '-').Append(' ');
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}
