using System.Text.Json.Serialization;

namespace VisPruner.SemanticKernel.IntegrationTests.StructuredOutput;

/// <summary>The demo scenes' colours, named as the trained model writes them, as an enum a schema lists by name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Colour>))]
public enum Colour
{
    red,
    green,
    blue,
    yellow,
    white,
    orange,
}
