using Microsoft.Extensions.Options;
using VisPruner.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Checks <see cref="VisPrunerChatOptions"/> when the host starts, so a wrong model folder fails at startup, not at the first request.</summary>
internal sealed class VisPrunerChatOptionsValidator(string optionsName) : IValidateOptions<VisPrunerChatOptions>
{
    public ValidateOptionsResult Validate(string? name, VisPrunerChatOptions options)
    {
        if ((name ?? Options.Options.DefaultName) != optionsName)
        {
            return ValidateOptionsResult.Skip;
        }

        IReadOnlyList<string> problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
