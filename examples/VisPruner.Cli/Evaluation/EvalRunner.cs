using VisPruner.Scenes;
using VisPruner.Engine;
using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;
using VisPruner.Engine.Pruning;

namespace VisPruner.Cli.Evaluation;

/// <summary>One answered question under one setting.</summary>
/// <param name="Setting">The pruning setting.</param>
/// <param name="Question">The question and its expected answer.</param>
/// <param name="Given">The model's answer.</param>
/// <param name="TimeToFirstTokenMs">Time to first token.</param>
/// <param name="VisualTokens">Visual tokens (content and separators) that reached the language model.</param>
internal sealed record EvalRecord(EvalSetting Setting, SceneQuestion Question, string Given, double TimeToFirstTokenMs, int VisualTokens)
{
    /// <summary>Gets a value indicating whether the answer matches (normalised for case and whitespace).</summary>
    public bool Correct => AnswerMatch.IsMatch(Given, Question.Answer);
}

/// <summary>
/// Asks every question of a set under every setting, image by image: the image's vision features are computed once
/// (kept by the engine's feature cache), so every request measures what pruning changes (selection, prefill, decode).
/// </summary>
internal sealed class EvalRunner(MultimodalEngine engine, double importantRatio, int maxNewTokens)
{
    /// <summary>Runs the evaluation; <paramref name="progress"/> is told the number of answers so far.</summary>
    public async Task<IReadOnlyList<EvalRecord>> RunAsync(
        QuestionSet set, IReadOnlyList<EvalSetting> settings, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var records = new List<EvalRecord>(set.Questions.Count * settings.Count);
        foreach (IGrouping<string, SceneQuestion> imageQuestions in set.Questions.GroupBy(q => q.Image))
        {
            ImageInput image = ImageInput.FromBytes(await File.ReadAllBytesAsync(Path.Combine(set.Folder, imageQuestions.Key), cancellationToken));
            await engine.SelectVisualTokensAsync(image, VisualTokenPruningOptions.Disabled, cancellationToken);
            foreach (EvalSetting setting in settings)
            {
                foreach (SceneQuestion question in imageQuestions)
                {
                    var request = new GenerationRequest(
                        [new ChatTurn(TurnRole.User, [new ImagePart(), new TextPart(question.Question)])],
                        [image],
                        new GenerationOptions { MaxNewTokens = maxNewTokens, Temperature = 0, Pruning = setting.Pruning(importantRatio) });
                    GenerationResult result = await engine.CompleteAsync(request, cancellationToken);
                    records.Add(new EvalRecord(setting, question, result.Text, result.Statistics.TimeToFirstToken.TotalMilliseconds, result.Statistics.VisualTokens));
                    progress?.Report(records.Count);
                }
            }
        }

        return records;
    }
}
