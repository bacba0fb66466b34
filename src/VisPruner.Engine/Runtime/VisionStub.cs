using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.Generation;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.Engine.Runtime;

/// <summary>
/// The pruning hook's stand-in for the folder's vision model inside ONNX Runtime GenAI: an Identity graph from its input to
/// the vision output GenAI expects. The real vision encoder runs outside GenAI, the selector keeps some rows, and GenAI
/// receives only those rows through this stub, so its pre-allocated image feature buffer has exactly as many rows as the
/// prompt has image placeholders. GenAI moves that buffer to the embedding model, so the stub's output has the rank of the
/// embedding's <c>image_features</c>: [rows, hidden] (rank 2), or [images, rows per image, hidden] (rank 3, Gemma 3).
/// </summary>
/// <param name="OutputName">The vision output name in <c>genai_config.json</c> (<c>image_features</c>).</param>
/// <param name="Hidden">The feature width (the decoder's hidden size).</param>
/// <param name="Rank">The rank of the embedding model's <c>image_features</c>: 2 or 3.</param>
internal sealed record VisionStub(string OutputName, int Hidden, int Rank)
{
    /// <summary>The stub's file name inside GenAI's in-memory model data (never written to disk).</summary>
    public const string FileName = "vispruner-vision-stub.onnx";

    /// <summary>The input with each image's kept row count, which GenAI's multimodal pipeline sizes the stub's output by.</summary>
    public const string ImageTokenCountsName = "num_image_tokens";

    // Rank 2: the kept rows of every image of a request, in prompt order, [rows, hidden].
    private const string RowsInputName = "vispruner_kept_image_features";

    // Rank 3: [images, rows, hidden]. GenAI 0.20 takes the image count, the buffer's first dimension, from the first
    // dimension of the input named pixel_values, so the stub's input carries that name.
    private const string ImageBatchInputName = "pixel_values";

    /// <summary>Gets the stub's input: the kept feature rows.</summary>
    public string InputName => Rank == 3 ? ImageBatchInputName : RowsInputName;

    /// <summary>Gets the <c>Config.Overlay</c> JSON that points GenAI's vision model at the stub.</summary>
    public string Overlay =>
        "{\"model\":{\"vision\":{\"filename\":\"" + FileName + "\",\"inputs\":{\"pixel_values\":\"" + InputName + "\"}}}}";

    /// <summary>Builds the stub's ONNX bytes.</summary>
    public byte[] Build()
    {
        Dimension[] shape = Rank == 3
            ? [Dimension.Symbolic("num_images"), Dimension.Symbolic(ImageTokenCountsName), Dimension.Fixed(Hidden)]
            : [Dimension.Symbolic(ImageTokenCountsName), Dimension.Fixed(Hidden)];
        var graph = new GraphProto { Name = "vispruner_vision_stub" };
        graph.Input.Add(OnnxTypes.TensorValueInfo(InputName, OnnxDataType.Float, shape));
        graph.Output.Add(OnnxTypes.TensorValueInfo(OutputName, OnnxDataType.Float, shape));
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = "stub", Input = { InputName }, Output = { OutputName } });

        // IR version 10 goes with opset 21, which ONNX Runtime 1.18 and newer run.
        var model = new ModelProto { IrVersion = 10, ProducerName = "VisPruner", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 21 });
        return OnnxModelFile.ToBytes(model);
    }

    /// <summary>
    /// Sets a new generator's image inputs for a prompt: the kept rows of every image (<paramref name="features"/>,
    /// [rows x hidden] in prompt order) and each image's row count (<paramref name="counts"/>). With rank 3, the rows go as
    /// [images, rows per image, hidden] with one count for all images (GenAI sums the counts into the rows dimension), and a
    /// prompt without images gets a one-image <c>pixel_values</c> of [1, 1, 1] and no count: without an image count GenAI
    /// hands the embedding a rank-2 empty <c>image_features</c>, which a rank-3 embedding refuses; with it and no count, the
    /// stub does not run and the embedding gets an empty [1, 0, hidden].
    /// </summary>
    /// <returns>The pinned inputs, to keep until the generator is gone; null when the prompt needs none.</returns>
    /// <exception cref="InvalidOperationException">With rank 3, the images have different row counts (one count sizes them all).</exception>
    public PinnedInputs? Feed(Generator generator, float[] features, long[] counts)
    {
        if (counts.Length == 0 && Rank == 2)
        {
            return null;
        }

        var pins = new PinnedInputs();
        try
        {
            if (counts.Length == 0)
            {
                pins.Set(generator, ImageBatchInputName, new float[1], [1, 1, 1], ElementType.float32);
            }
            else if (Rank == 2)
            {
                pins.Set(generator, InputName, features, [features.Length / Hidden, Hidden], ElementType.float32);
                pins.Set(generator, ImageTokenCountsName, counts, [counts.Length], ElementType.int64);
            }
            else
            {
                long perImage = counts[0];
                if (counts.Any(c => c != perImage))
                {
                    throw new InvalidOperationException(
                        $"Rank-3 image features need the same row count for every image; the images kept {string.Join(", ", counts)} rows.");
                }

                pins.Set(generator, InputName, features, [counts.Length, perImage, Hidden], ElementType.float32);
                pins.Set(generator, ImageTokenCountsName, [perImage], [1], ElementType.int64);
            }

            return pins;
        }
        catch
        {
            pins.Dispose();
            throw;
        }
    }
}
