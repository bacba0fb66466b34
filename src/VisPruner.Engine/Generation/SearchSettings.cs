using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.ModelFolders;

namespace VisPruner.Engine.Generation;

/// <summary>
/// A request's decoding settings resolved against the folder's <c>search</c> defaults and checked, before any work, then
/// handed to ONNX Runtime GenAI's <see cref="GeneratorParams"/>.
/// </summary>
internal sealed record SearchSettings(
    bool DoSample, double Temperature, int TopK, double TopP, double RepetitionPenalty, int? Seed, int MinNewTokens, bool? ShareBuffer, OutputConstraint? Constraint)
{
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (the message names it).</exception>
    public static SearchSettings Resolve(GenerationOptions options, SearchConfig search, bool? shareBuffer)
    {
        // A caller who sets a temperature or nucleus asks to sample, as chat APIs mean it. The folder's top_k/top_p then
        // apply only if the folder itself samples: published greedy configs carry top_k = 1, which would turn every
        // sampled request greedy.
        bool doSample = options.DoSample ?? (options.Temperature is > 0 || options.TopP is not null || options.TopK is > 1 || search.DoSample);
        double temperature = options.Temperature ?? search.Temperature;
        double topP = options.TopP ?? (search.DoSample ? search.TopP : 1.0);
        int topK = options.TopK ?? (search.DoSample ? search.TopK : 0);
        double penalty = options.RepetitionPenalty ?? search.RepetitionPenalty;
        Check(double.IsFinite(temperature) && temperature >= 0, nameof(GenerationOptions.Temperature), temperature, "must be zero or a finite positive number");
        Check(topP > 0 && topP <= 1, nameof(GenerationOptions.TopP), topP, "must be in (0, 1]");
        Check(topK >= 0, nameof(GenerationOptions.TopK), topK, "must be zero (no limit) or positive");
        Check(double.IsFinite(penalty) && penalty > 0, nameof(GenerationOptions.RepetitionPenalty), penalty, "must be a finite positive number");
        Check(options.MaxNewTokens is null or > 0, nameof(GenerationOptions.MaxNewTokens), options.MaxNewTokens, "must be positive");
        Check(options.MinNewTokens >= 0, nameof(GenerationOptions.MinNewTokens), options.MinNewTokens, "must not be negative");
        if (options.StopSequences is null || options.StopSequences.Any(s => s is null))
        {
            throw new ArgumentException("GenerationOptions.StopSequences must not be null or hold null entries.", nameof(options));
        }

        if (options.Constraint is { } constraint && (!Enum.IsDefined(constraint.Kind) || string.IsNullOrWhiteSpace(constraint.Definition)))
        {
            throw new ArgumentException("GenerationOptions.Constraint needs a known kind and a non-empty definition.", nameof(options));
        }

        // Greedy when the temperature is 0, as chat APIs mean it. The folder's seed, when it fixes one, applies to every request.
        int? seed = options.Seed ?? (search.RandomSeed >= 0 ? search.RandomSeed : null);
        return new SearchSettings(doSample && temperature > 0, temperature, topK, topP, penalty, seed, options.MinNewTokens, shareBuffer, options.Constraint);

        void Check(bool ok, string name, object? value, string rule)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(nameof(options), value, $"GenerationOptions.{name} ({value}) {rule}.");
            }
        }
    }

    /// <summary>Creates GenAI's parameters for a sequence of at most <paramref name="maxLength"/> tokens whose prompt has <paramref name="promptLength"/>.</summary>
    public GeneratorParams CreateParams(Model model, int maxLength, int promptLength)
    {
        var parameters = new GeneratorParams(model);
        try
        {
            parameters.SetSearchOption("max_length", maxLength);
            parameters.SetSearchOption("do_sample", DoSample);
            parameters.SetSearchOption("repetition_penalty", RepetitionPenalty);
            if (DoSample)
            {
                parameters.SetSearchOption("temperature", Temperature);
                parameters.SetSearchOption("top_k", TopK);
                parameters.SetSearchOption("top_p", TopP);
            }
            else
            {
                parameters.SetSearchOption("top_k", 1);
            }

            // Without a seed GenAI seeds its generator from std::random_device, 624 reads that cost about 14 ms per request
            // (measured on 0.18, whether or not the request samples); a seed drawn here is as unpredictable and free.
            parameters.SetSearchOption("random_seed", Seed ?? Random.Shared.Next());

            if (MinNewTokens > 0)
            {
                // GenAI's min_length counts the prompt too.
                parameters.SetSearchOption("min_length", promptLength + MinNewTokens);
            }

            if (ShareBuffer is bool share)
            {
                parameters.SetSearchOption("past_present_share_buffer", share);
            }

            if (Constraint is { } constraint)
            {
                parameters.SetGuidance(constraint.GuidanceType, constraint.Definition, false);
            }

            return parameters;
        }
        catch
        {
            parameters.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Gets whether a generator made with these settings may be continued by a later request: its output would then
    /// equal a fresh generator's. Not with a seed, the request's or the folder's (the random state has moved on), a minimum
    /// length (set per prompt) or a constraint (its parser state belongs to one reply).
    /// </summary>
    public bool AllowsContinuation => (!DoSample || Seed is null) && MinNewTokens == 0 && Constraint is null;
}
