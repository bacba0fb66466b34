using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace VisPruner.CopilotServer.Tests.Infrastructure;

/// <summary>Every log entry a server writes, at every level, with whether it carried an exception.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(_entries, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<LogEntry> entries, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception), exception is not null));
    }
}

public sealed record LogEntry(LogLevel Level, string Category, string Message, bool HasException);
