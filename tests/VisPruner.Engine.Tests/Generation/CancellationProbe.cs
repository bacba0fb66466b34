using VisPruner.Engine.ChatTemplates;
using VisPruner.Engine.Generation;

namespace VisPruner.Engine.Tests.Generation;

/// <summary>
/// Cancels a request after a delay, from a thread of its own, and times what follows: how long its caller waited for
/// <see cref="OperationCanceledException"/>, and how long the engine stayed busy finishing the request's native call,
/// seen through a short request sent as soon as the caller is back (it waits for its turn until then).
/// </summary>
internal static class CancellationProbe
{
    /// <summary>The short request sent after each cancellation; greedy, so its answer is the same every time.</summary>
    public static readonly GenerationRequest FollowUp = new(
        [new ChatTurn(TurnRole.User, "Hi")], options: new GenerationOptions { MaxNewTokens = 2, MinNewTokens = 2 });

    /// <summary>Cancels <paramref name="request"/> <paramref name="delay"/> after starting it; null when it finished first.</summary>
    public static async Task<CancelledRequest?> CancelAfterAsync(MultimodalEngine engine, GenerationRequest request, TimeSpan delay)
    {
        TimeSpan returned;
        int streamed = 0;
        using (var cancel = new DelayedCancellation(delay))
        {
            try
            {
                await foreach (GenerationUpdate update in engine.GenerateAsync(request, cancel.Token))
                {
                    streamed++;
                }

                return null;
            }
            catch (OperationCanceledException)
            {
                returned = cancel.SinceCancelled;
            }
        }

        GenerationResult followUp = await engine.CompleteAsync(FollowUp);

        // Its time to first token, less its own prompt pass, is the time it waited for its turn (and a token step).
        TimeSpan waited = followUp.Statistics.TimeToFirstToken - followUp.Statistics.PrefillTime;
        return new CancelledRequest(returned, returned + waited, streamed, followUp);
    }
}

/// <summary>What followed one cancellation.</summary>
/// <param name="Returned">From cancelling to the caller's <see cref="OperationCanceledException"/>.</param>
/// <param name="EngineBusy">From cancelling until the next request's turn began.</param>
/// <param name="Streamed">Updates the caller received before it cancelled (more than none: cancelled in the answer).</param>
/// <param name="FollowUp">The answer to <see cref="CancellationProbe.FollowUp"/>.</param>
internal sealed record CancelledRequest(TimeSpan Returned, TimeSpan EngineBusy, int Streamed, GenerationResult FollowUp);
