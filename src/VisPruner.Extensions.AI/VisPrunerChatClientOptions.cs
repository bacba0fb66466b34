using VisPruner.Engine;
using VisPruner.Engine.Generation;

namespace VisPruner.Extensions.AI;

/// <summary>Settings of a <see cref="VisPrunerChatClient"/>, bindable from configuration (section <c>VisPruner</c> by default).</summary>
public sealed class VisPrunerChatClientOptions
{
    /// <summary>The configuration section <c>AddVisPrunerChat</c> binds when given a configuration root.</summary>
    public const string DefaultSectionName = "VisPruner";

    /// <summary>Gets or sets the model folder (<c>genai_config.json</c>, ONNX files, tokenizer). Required.</summary>
    public string ModelFolder { get; set; } = string.Empty;

    /// <summary>Gets or sets the model id reported on responses and in metadata; null uses the model folder's name.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets how the engine runs, including the default visual-token pruning of every request.</summary>
    public MultimodalEngineOptions Engine { get; set; } = new();

    /// <summary>
    /// Gets or sets the content tokens kept per image when an image's <c>detail</c> property is <c>low</c>. Default 64:
    /// about a quarter of the default budget of a single-crop image.
    /// </summary>
    public int LowDetailTokensPerImage { get; set; } = 64;

    /// <summary>
    /// Gets or sets a value indicating whether images may come from <c>http</c>/<c>https</c> URIs, downloaded when the
    /// request runs. Default false: only in-memory data (and <c>file:</c> URIs in <see cref="AllowedImageFolders"/>) are read, so a prompt cannot make the
    /// server fetch arbitrary addresses.
    /// </summary>
    public bool AllowRemoteImageUris { get; set; }

    /// <summary>
    /// Gets the folders from which <c>file:</c> image URIs may be read. Empty by default: a <c>file:</c> URI is then refused,
    /// so a message cannot make the host read its files. A URI is read only when its real path (the link in every component
    /// resolved, as the system resolves it) is a regular, non-empty file inside the real path of one of these folders, and
    /// the file opened for reading must still be that file. Every refusal, a missing file included, is the same error,
    /// given before anything is read.
    /// </summary>
    public IList<string> AllowedImageFolders { get; } = [];

    /// <summary>Gets or sets the largest remote image, in bytes, downloaded when <see cref="AllowRemoteImageUris"/> is set. Default 20 MB.</summary>
    public long MaxRemoteImageBytes { get; set; } = 20_000_000;

    /// <summary>
    /// Gets or sets a value indicating whether replies are constrained while decoding (ONNX Runtime GenAI guidance) to what
    /// the request requires: tool calls that parse and name an offered tool with schema-valid arguments, a call when the
    /// tool mode requires one, JSON for a JSON response format. Default true; false leaves these as instructions in the
    /// prompt only.
    /// </summary>
    public bool ConstrainReplies { get; set; } = true;

    /// <summary>Gets or sets the most tokens an answer may have when the request sets no <c>MaxOutputTokens</c>; null is unlimited (up to the context length).</summary>
    public int? DefaultMaxOutputTokens { get; set; }

    /// <summary>
    /// Gets or sets the bounds that make every constrained reply finite (string lengths, array items, dictionary
    /// entries, calls per reply, recursion), applied where a tool's or response format's schema sets none. A reply that
    /// must be a tool call or a JSON document always finishes: it may take up to the longest such reply, past
    /// <c>MaxOutputTokens</c> if need be, and a request whose context cannot hold that is refused up front.
    /// </summary>
    public StructuredOutputLimits StructuredOutput { get; set; } = new();

    /// <summary>Checks the settings that can be checked without loading the model.</summary>
    /// <returns>The problems found, empty when the settings are usable.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ModelFolder))
        {
            problems.Add("VisPrunerChatClientOptions.ModelFolder is required: set it to a model folder with genai_config.json.");
        }
        else if (!Directory.Exists(ModelFolder))
        {
            problems.Add($"VisPrunerChatClientOptions.ModelFolder: the folder '{ModelFolder}' does not exist.");
        }
        else if (!File.Exists(Path.Combine(ModelFolder, "genai_config.json")))
        {
            problems.Add($"VisPrunerChatClientOptions.ModelFolder: '{ModelFolder}' has no genai_config.json.");
        }

        if (LowDetailTokensPerImage < 1)
        {
            problems.Add($"VisPrunerChatClientOptions.LowDetailTokensPerImage ({LowDetailTokensPerImage}) must be at least 1.");
        }

        if (MaxRemoteImageBytes < 1)
        {
            problems.Add($"VisPrunerChatClientOptions.MaxRemoteImageBytes ({MaxRemoteImageBytes}) must be positive.");
        }

        if (DefaultMaxOutputTokens is < 1)
        {
            problems.Add($"VisPrunerChatClientOptions.DefaultMaxOutputTokens ({DefaultMaxOutputTokens}) must be positive.");
        }

        problems.AddRange(StructuredOutput?.Validate().Select(p => "VisPrunerChatClientOptions." + p)
            ?? ["VisPrunerChatClientOptions.StructuredOutput must not be null."]);

        problems.AddRange(Engine?.Validate().Select(p => "VisPrunerChatClientOptions.Engine: " + p)
            ?? ["VisPrunerChatClientOptions.Engine must not be null."]);

        return problems;
    }
}
