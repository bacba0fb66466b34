using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit;

namespace VisPruner.OnnxRuntime.Tests;

public class LoggingTests
{
    [Fact]
    public void Native_log_messages_reach_the_configured_logger_at_their_level()
    {
        _ = OnnxRuntimeEnvironment.Instance;
        var logger = new CapturingLogger();
        ILogger? previous = OrtLogBridge.Logger;
        OrtLogBridge.Logger = logger;
        try
        {
            using var session = InferenceSession.Load(TestModels.AddOne(1, 1), new InferenceSessionOptions { LogLevel = LogLevel.Trace });
        }
        finally
        {
            OrtLogBridge.Logger = previous;
        }

        Assert.NotEmpty(logger.Entries);
        Assert.Contains(logger.Entries, e => e.Level is LogLevel.Debug or LogLevel.Information);
        Assert.All(logger.Entries, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    private sealed class CapturingLogger : ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception)));
    }
}
