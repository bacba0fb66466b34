using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using VisPruner.Engine.ModelFolders;
using VisPruner.Engine.Runtime;
using VisPruner.Imaging.Gemma3;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.Engine.Gemma3;

/// <summary>
/// What a gemma3 folder must hold beyond the shared checks, each failure a <see cref="ModelFolderException"/> naming the file
/// and field: the embedding model's <c>image_features</c> input, whose rank (2 or 3) decides how the kept rows reach it; the
/// vision model's <c>image_features</c> output, 256 rows per image; and Gemma 3's special tokens in the tokenizer.
/// </summary>
internal static class Gemma3FolderChecks
{
    /// <summary>The id of <c>&lt;image_soft_token&gt;</c>: the embedding model puts the image rows where the prompt holds it.</summary>
    public const int SoftTokenId = 262144;

    /// <summary>The special tokens the chat template and the image frame write, each a single token of the tokenizer.</summary>
    private static readonly string[] SpecialTokens = ["<bos>", "<start_of_turn>", "<end_of_turn>", "<start_of_image>", "<end_of_image>"];

    /// <summary>The rank of the embedding model's <c>image_features</c> input.</summary>
    /// <exception cref="ModelFolderException">The embedding has no such input, or it is not [rows, hidden] or [images, rows, hidden].</exception>
    public static int ImageFeaturesRank(string folder, GenAiConfig config)
    {
        string file = config.Model.EmbeddingFileName ?? throw MissingEmbedding();
        string name = EmbeddingImageFeaturesName(folder);
        GraphProto graph = OnnxFiles.LoadDeclarations(ConfiguredFile.Require(Path.Combine(folder, file), "embedding model")).Graph;
        ValueInfoProto input = graph.Input.FirstOrDefault(i => i.Name == name)
            ?? throw new ModelFolderException(file, null, $"has no input '{name}' (genai_config.json model.embedding.inputs.image_features names it); its inputs are {string.Join(", ", graph.Input.Select(i => i.Name))}.");
        IReadOnlyList<Dimension> shape = OnnxTypes.Shape(input)
            ?? throw new ModelFolderException(file, null, $"declares no shape for its input '{name}'; Gemma 3's image features are [rows, hidden] or [images, rows, hidden].");
        if (shape.Count is not (2 or 3))
        {
            throw new ModelFolderException(file, null, $"declares its input '{name}' with rank {shape.Count}; Gemma 3's image features are [rows, hidden] or [images, rows, hidden].");
        }

        if (shape[^1].Value is long width && width != config.Model.Decoder.HiddenSize)
        {
            throw new ModelFolderException(GenAiConfig.FileName, "model.decoder.hidden_size",
                $"is {config.Model.Decoder.HiddenSize} but {file} declares {name} {width} wide.");
        }

        return shape.Count;
    }

    /// <exception cref="ModelFolderException">The configuration has no embedding model.</exception>
    public static void RequireEmbedding(GenAiConfig config)
    {
        if (config.Model.EmbeddingFileName is null)
        {
            throw MissingEmbedding();
        }
    }

    /// <summary>Checks the vision model's declared output: 256 rows of the decoder's width per image.</summary>
    /// <exception cref="ModelFolderException">A fixed dimension disagrees.</exception>
    public static void RequireVisionOutput(InferenceSession session, VisionConfig vision, int hidden)
    {
        int[] shape = session.OutputMetadata[vision.ImageFeaturesName].Dimensions;
        bool rows = shape.Length switch
        {
            3 => shape[1] is -1 or Gemma3ImageProcessor.TokensPerImage,
            2 => shape[0] is -1 || shape[0] % Gemma3ImageProcessor.TokensPerImage == 0,
            _ => false,
        };
        if (!rows || shape[^1] is not -1 && shape[^1] != hidden)
        {
            throw new ModelFolderException(vision.FileName, null,
                $"declares {vision.ImageFeaturesName} [{string.Join(", ", shape)}]; Gemma 3's vision model gives [images, {Gemma3ImageProcessor.TokensPerImage}, {hidden}] or [images x {Gemma3ImageProcessor.TokensPerImage}, {hidden}].");
        }
    }

    /// <summary>Checks that the tokenizer has Gemma 3's special tokens, the soft token at its id.</summary>
    /// <exception cref="ModelFolderException">A token is missing (the tokenizer splits its text) or the soft token has another id.</exception>
    public static void RequireTokens(GenAiModel model)
    {
        foreach (string token in SpecialTokens.Append("<image_soft_token>"))
        {
            int[] ids = model.EncodeMarkup(token);
            if (ids.Length != 1)
            {
                throw new ModelFolderException(ConfiguredFile.TokenizerFileName, null, $"has no '{token}' token (it encodes to {ids.Length} tokens); a gemma3 tokenizer has Gemma 3's special tokens.");
            }

            if (token == "<image_soft_token>" && ids[0] != SoftTokenId)
            {
                throw new ModelFolderException(ConfiguredFile.TokenizerFileName, null,
                    $"gives '<image_soft_token>' the id {ids[0]}; Gemma 3's embedding model puts image rows where the prompt holds {SoftTokenId}.");
            }
        }
    }

    private static ModelFolderException MissingEmbedding() =>
        new(GenAiConfig.FileName, "model.embedding", "is missing; gemma3 folders merge the image rows into the prompt in an embedding model.");

    // model.embedding.inputs.image_features, which the shared configuration does not read.
    private static string EmbeddingImageFeaturesName(string folder)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, GenAiConfig.FileName)),
            new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        JsonFields embedding = new JsonFields(document.RootElement, GenAiConfig.FileName, string.Empty).Object("model").Object("embedding");
        return embedding.OptionalObject("inputs")?.OptionalString("image_features") ?? "image_features";
    }
}
