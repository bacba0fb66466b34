namespace VisPruner.Engine.ChatTemplates;

/// <summary>A function the model may call.</summary>
/// <param name="Name">The function name.</param>
/// <param name="Description">What it does, for the model.</param>
/// <param name="ParametersSchemaJson">A JSON schema object describing its arguments.</param>
public sealed record ToolDefinition(string Name, string? Description, string ParametersSchemaJson);
