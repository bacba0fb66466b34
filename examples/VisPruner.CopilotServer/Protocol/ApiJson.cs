using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VisPruner.CopilotServer.Protocol;

/// <summary>How the server writes JSON: compact, and with quotes and non-ASCII text readable rather than escaped.</summary>
internal static class ApiJson
{
    // Bodies are served as application/json or text/event-stream, never inside HTML, so HTML-sensitive characters need no escaping.
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Text(JsonNode json) => json.ToJsonString(Options);
}
