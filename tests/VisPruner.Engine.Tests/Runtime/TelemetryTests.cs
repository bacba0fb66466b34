using System.Diagnostics;

namespace VisPruner.Engine.Tests.Runtime;

/// <summary>
/// ONNX Runtime and ONNX Runtime GenAI write usage telemetry under ~/.cache/Microsoft/DeveloperTools unless told not to
/// before their first native call: checked in a fresh process with a home folder of its own. Whether the libraries write
/// those files when allowed depends on the machine and on a background thread racing the process's exit, so the opt-in
/// case checks the switch the libraries read (the native ORT_DISABLE_TELEMETRY) rather than the files.
/// </summary>
public sealed class TelemetryTests(TinyModelFixture models) : IClassFixture<TinyModelFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Native_telemetry_stays_off_unless_the_application_opts_in(bool enabled)
    {
        string home = Path.Combine(Path.GetTempPath(), "vispruner-home-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "VisPruner.TestHost.dll"), "ask", models.GrowingKvFolder, enabled ? "on" : "off" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["HOME"] = home;
            start.Environment["XDG_CACHE_HOME"] = Path.Combine(home, ".cache");
            start.Environment.Remove("ORT_DISABLE_TELEMETRY");
            using Process child = Process.Start(start)!;
            string error = await child.StandardError.ReadToEndAsync();
            string answer = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            Assert.True(child.ExitCode == 0, error);
            string[] fields = answer.Trim().Split(' ');
            Assert.Equal("2", fields[0]);
            Assert.Equal(enabled ? "-" : "1", fields[1]);

            if (!enabled)
            {
                string telemetry = Path.Combine(home, ".cache", "Microsoft", "DeveloperTools");
                Assert.False(Directory.Exists(telemetry) && Directory.EnumerateFiles(telemetry, "*", SearchOption.AllDirectories).Any(), "telemetry files were written");
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
