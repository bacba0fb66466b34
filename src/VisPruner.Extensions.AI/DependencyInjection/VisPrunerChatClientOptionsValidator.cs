using Microsoft.Extensions.Options;
using VisPruner.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Checks <see cref="VisPrunerChatClientOptions"/> when the host starts, so a wrong model folder fails at startup, not at the first request.</summary>
internal sealed class VisPrunerChatClientOptionsValidator(string optionsName) : IValidateOptions<VisPrunerChatClientOptions>
{
    public string OptionsName => optionsName;

    public ValidateOptionsResult Validate(string? name, VisPrunerChatClientOptions options)
    {
        if ((name ?? Options.Options.DefaultName) != optionsName)
        {
            return ValidateOptionsResult.Skip;
        }

        IReadOnlyList<string> problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
