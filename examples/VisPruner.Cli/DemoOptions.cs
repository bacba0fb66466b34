using System.Globalization;

namespace VisPruner.Cli;

/// <summary>Command-line options of the selection demo.</summary>
internal sealed record DemoOptions(int Budget, double Ratio, string Selector)
{
    public static DemoOptions Parse(string[] args)
    {
        var options = new DemoOptions(Budget: 64, Ratio: 0.5, Selector: "vispruner");
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"Option {args[i]} needs a value.", nameof(args));
            options = args[i] switch
            {
                "--budget" => options with { Budget = int.Parse(value, CultureInfo.InvariantCulture) },
                "--ratio" => options with { Ratio = double.Parse(value, CultureInfo.InvariantCulture) },
                "--selector" => options with { Selector = value },
                _ => throw new ArgumentException($"Unknown option {args[i]}.", nameof(args)),
            };
            i++;
        }

        return options;
    }
}
