using System.Buffers.Binary;
using System.Diagnostics;

namespace VisPruner.Imaging.Tests;

/// <summary>
/// The long fuzz run (<c>dotnet VisPruner.Imaging.Tests.dll fuzz [seconds] [seed]</c>), not part of CI: corrupts the
/// seed fixtures as <see cref="HostileInputTests"/> does, and one case in four also rewrites the declared size, then
/// runs <see cref="ImageDecoder.Identify"/> and <see cref="ImageDecoder.Decode"/> with the default options. Anything
/// but success or <see cref="InvalidImageException"/> is a failure; the slowest case and the peak memory are reported.
/// </summary>
internal static class MutationFuzzer
{
    public static int Run(TimeSpan duration, int seed)
    {
        var random = new Random(seed);
        byte[][] seeds = Mutator.Seeds.Select(Fixture.Image).ToArray();
        long decoded = 0, rejected = 0, limited = 0, failures = 0, iterations = 0;
        double slowestMs = 0;
        string slowest = "";
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            int source = (int)(iterations % seeds.Length);
            byte[] data = Mutator.Mutate(seeds[source], random);
            if (random.Next(4) == 0)
            {
                RewriteDeclaredSize(data, random);
            }

            long start = Stopwatch.GetTimestamp();
            try
            {
                ImageDecoder.Identify(data);
                ImageDecoder.Decode(data);
                decoded++;
            }
            catch (ImageLimitExceededException)
            {
                limited++;
            }
            catch (InvalidImageException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                failures++;
                string path = Path.Combine(Path.GetTempPath(), $"imaging-fuzz-failure-{seed}-{iterations}.bin");
                File.WriteAllBytes(path, data);
                Console.Error.WriteLine($"case {iterations} (seed file {Mutator.Seeds[source]}, saved to {path}): {e}");
            }

            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (ms > slowestMs)
            {
                (slowestMs, slowest) = (ms, Mutator.Seeds[source]);
            }

            iterations++;
        }

        Console.WriteLine($"iterations {iterations:N0} in {clock.Elapsed.TotalSeconds:F0} s ({iterations / clock.Elapsed.TotalSeconds:F0}/s), seed {seed}");
        Console.WriteLine($"decoded {decoded:N0}, rejected {rejected:N0}, over a limit {limited:N0}, failures {failures:N0}");
        Console.WriteLine($"slowest case {slowestMs:F1} ms (from {slowest}); peak resident memory {PeakResidentMiB()} MiB");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Writes random dimensions where the format keeps them, to drive the limit checks and large allocations.</summary>
    private static void RewriteDeclaredSize(byte[] data, Random random)
    {
        uint width = (uint)random.Next(1, 70_000), height = (uint)random.Next(1, 70_000);
        switch (ImageDecoder.DetectFormat(data))
        {
            case ImageFormat.Png when data.Length >= 24:
                BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(16), width);
                BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(20), height);
                break;
            case ImageFormat.Gif when data.Length >= 10:
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(6), (ushort)width);
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(8), (ushort)height);
                break;
            case ImageFormat.Bmp when data.Length >= 26:
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(18), width);
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(22), height);
                break;
            case ImageFormat.Jpeg:
                int sof = data.AsSpan().IndexOfAny((ReadOnlySpan<byte>)[0xC0, 0xC2]);
                if (sof > 0 && data[sof - 1] == 0xFF && sof + 8 < data.Length)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 4), (ushort)height);
                    BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 6), (ushort)width);
                }

                break;
        }
    }

    private static long PeakResidentMiB()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }
}
