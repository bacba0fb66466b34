namespace VisPruner.Scenes;

/// <summary>
/// Picks the questions asked about a scene: per round one count, one presence, one cell and (when some item occurs
/// once) one colour question, plus the inventory question once. Repeats within a scene are dropped.
/// </summary>
public static class QuestionSampler
{
    private const double CountPresentShare = 0.75, PresencePresentShare = 0.5;

    /// <summary>Samples the questions of <paramref name="scene"/>.</summary>
    /// <param name="scene">The scene.</param>
    /// <param name="random">The scene's question stream.</param>
    /// <param name="rounds">Questions per template (the inventory question is asked once).</param>
    public static IReadOnlyList<(string Question, string Answer)> Sample(Scene scene, Random random, int rounds)
    {
        int[] present = [.. scene.Items.Select(i => i.ClassId).Distinct().Order()];
        int[] absent = [.. Enumerable.Range(0, FashionMnist.ClassNames.Count).Except(present)];
        int[] single = [.. present.Where(c => scene.Items.Count(i => i.ClassId == c) == 1)];
        var questions = new List<(string Question, string Answer)>();
        for (int round = 0; round < rounds; round++)
        {
            questions.Add(QuestionTemplates.Count(scene, Pick(random, present, absent, CountPresentShare)));
            questions.Add(QuestionTemplates.Presence(scene, Pick(random, present, absent, PresencePresentShare)));
            questions.Add(QuestionTemplates.Cell(scene, random.Next(9)));
            if (single.Length > 0)
            {
                questions.Add(QuestionTemplates.Colour(scene, single[random.Next(single.Length)]));
            }
        }

        questions.Add(QuestionTemplates.Picture(scene));
        return [.. questions.DistinctBy(q => q.Question)];
    }

    private static int Pick(Random random, int[] present, int[] absent, double presentShare) =>
        random.NextDouble() < presentShare ? present[random.Next(present.Length)] : absent[random.Next(absent.Length)];
}
