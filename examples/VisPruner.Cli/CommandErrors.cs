using VisPruner.Engine.ModelFolders;
using VisPruner.Imaging;

namespace VisPruner.Cli;

/// <summary>How every command ends: its own exit code, 130 when cancelled, or 1 with the message of an error the user can fix.</summary>
internal static class CommandErrors
{
    public static async Task<int> ReportAsync(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (OperationCanceledException)
        {
            // An answer may have been cut mid-line.
            Console.Error.WriteLine();
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or ModelFolderException or InvalidImageException
            or NotSupportedException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }
}
