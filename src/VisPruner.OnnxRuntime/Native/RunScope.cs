namespace VisPruner.OnnxRuntime.Native;

/// <summary>
/// Ties one run to a <see cref="CancellationToken"/>: when the token can be cancelled, the run gets
/// its own <c>OrtRunOptions</c> whose terminate flag the token sets, so the runtime stops between kernels.
/// </summary>
internal readonly unsafe struct RunScope : IDisposable
{
    private readonly OrtHandle? _runOptions;
    private readonly CancellationTokenRegistration _registration;
    private readonly CancellationToken _token;

    private RunScope(OrtHandle? runOptions, CancellationTokenRegistration registration, CancellationToken token)
    {
        _runOptions = runOptions;
        _registration = registration;
        _token = token;
    }

    /// <summary>The <c>OrtRunOptions*</c> to pass to the run (null when the token cannot be cancelled).</summary>
    public IntPtr RunOptions => _runOptions?.DangerousGetHandle() ?? IntPtr.Zero;

    public static RunScope Begin(CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        if (!token.CanBeCanceled)
        {
            return default;
        }

        IntPtr raw;
        OrtStatus.ThrowIfFailed(OrtApi.CreateRunOptions(&raw));
        var runOptions = new OrtHandle(raw, OrtApi.ReleaseRunOptions);
        CancellationTokenRegistration registration = token.UnsafeRegister(
            static state =>
            {
                var options = (OrtHandle)state!;
                IntPtr status = OrtApi.RunOptionsSetTerminate(options.DangerousGetHandle());
                if (status != IntPtr.Zero)
                {
                    OrtApi.ReleaseStatus(status);
                }
            },
            runOptions);
        return new RunScope(runOptions, registration, token);
    }

    /// <summary>Throws for a failed status: <see cref="OperationCanceledException"/> if the token stopped the run.</summary>
    public void ThrowIfFailed(IntPtr status)
    {
        if (status == IntPtr.Zero)
        {
            return;
        }

        OnnxRuntimeException error = OrtStatus.ToException(status);
        if (_token.IsCancellationRequested)
        {
            throw new OperationCanceledException("The ONNX Runtime run was cancelled.", error, _token);
        }

        throw error;
    }

    public void Dispose()
    {
        // Disposing the registration waits for a running callback, so the options outlive it.
        _registration.Dispose();
        _runOptions?.Dispose();
    }
}
