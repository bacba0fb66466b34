using Microsoft.ML.OnnxRuntime;

namespace VisPruner.Engine.Runtime;

/// <summary>Runs an ONNX Runtime session so that cancellation stops it mid-run (ONNX Runtime's terminate flag).</summary>
internal static class OrtRuns
{
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before or during the run.</exception>
    public static IDisposableReadOnlyCollection<OrtValue> Run(
        InferenceSession session, IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using CancellationTokenRegistration registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        try
        {
            return session.Run(runOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The model run was cancelled.", ex, cancellationToken);
        }
    }
}
