using Microsoft.ML.OnnxRuntimeGenAI;
using VisPruner.Engine.Tests.Conformance;
using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;
using Xunit.Abstractions;
using static VisPruner.DemoModels.Tests.Gemma3.Gemma3Requests;

namespace VisPruner.DemoModels.Tests.Gemma3;

/// <summary>
/// What a pruning path needs from ONNX Runtime GenAI 0.20 on a gemma3 folder: how GenAI sizes the <c>image_features</c>
/// buffer from a caller's <c>num_image_tokens</c>, whether K != 256 rows per image reach the embedding, and which models
/// the processor's <c>token_type_ids</c> (and a decoder's <c>position_ids</c>) reach.
/// </summary>
public sealed class ImageFeatureRowsTests : IDisposable
{
    private const int Hidden = 64;
    private const int SoftToken = 262144;
    private const string StubFileName = "kept-rows-stub.onnx";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vispruner-gemma3-rows-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public ImageFeatureRowsTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_folder);
    }

    [Theory]
    [InlineData(3, "image_features for the following indices\n index: 1 Got: 200 Expected: 256")]
    [InlineData(2, "has shape {200,64} but the computed output shape for this run is {256,64}")]
    public void A_caller_s_num_image_tokens_set_before_the_inputs_sizes_the_vision_output(int rank, string expected)
    {
        using var model = new Model(WriteFolder(rank));
        using var processor = new MultiModalProcessor(model);
        using var images = Images.Load([WritePng(_folder, 640, 480)]);
        using NamedTensors inputs = processor.ProcessImages(Prompt(), images);
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", 600);
        using var generator = new Generator(model, parameters);
        using IDisposable count = SetInput(generator, "num_image_tokens", [200L], [1], ElementType.int64);

        // The processor says 256; the caller's 200 wins, so the unpruned vision model's 256 rows are refused. SetInputs runs
        // the vision model itself.
        var error = Assert.Throws<OnnxRuntimeGenAIException>(() => generator.SetInputs(inputs));
        _output.WriteLine(error.Message);
        Assert.Contains(expected, error.Message.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 100)]
    [InlineData(3, 100)]
    [InlineData(2, 300)]
    public void K_rows_from_a_stand_in_vision_model_reach_the_embedding_when_the_prompt_has_K_soft_tokens(int rank, int rows)
    {
        using Model model = StubbedModel(rank);
        using var tokenizer = new Tokenizer(model);
        int[] ids = Encode(tokenizer, PromptWithSoftTokens(rows));
        Assert.Equal(rows, ids.Count(id => id == SoftToken));

        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", ids.Length + GreedyTokens);
        using var generator = new Generator(model, parameters);
        using IDisposable features = SetStubRows(generator, rank, images: 1, rows);
        using IDisposable count = SetInput(generator, "num_image_tokens", [(long)rows], [1], ElementType.int64);
        generator.AppendTokens(ids);
        int[] generated = Finish(generator, ids.Length);
        _output.WriteLine($"rank {rank}, {rows} rows: greedy {string.Join(" ", generated)}");
    }

    [Fact]
    public void The_embedding_refuses_rows_that_do_not_match_the_soft_tokens()
    {
        using Model model = StubbedModel(rank: 2);
        using var tokenizer = new Tokenizer(model);
        int[] ids = Encode(tokenizer, PromptWithSoftTokens(101));
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", ids.Length + GreedyTokens);
        using var generator = new Generator(model, parameters);
        using IDisposable features = SetStubRows(generator, rank: 2, images: 1, rows: 100);
        using IDisposable count = SetInput(generator, "num_image_tokens", [100L], [1], ElementType.int64);

        var error = Assert.Throws<OnnxRuntimeGenAIException>(() => generator.AppendTokens(ids));
        _output.WriteLine(error.Message);
        Assert.Contains("ScatterND", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new long[] { 100 }, null)]
    [InlineData(new long[] { 100, 100 }, "has shape {2,200,64} but the computed output shape for this run is {2,100,64}")]
    public void With_rank_3_two_images_take_one_per_image_count_not_one_count_per_image(long[] counts, string? expectedError)
    {
        using Model model = StubbedModel(rank: 3);
        using var tokenizer = new Tokenizer(model);
        int[] ids = Encode(tokenizer, PromptWithSoftTokens(100, images: 2));
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", ids.Length + GreedyTokens);
        using var generator = new Generator(model, parameters);
        using IDisposable features = SetStubRows(generator, rank: 3, images: 2, rows: 100);
        using IDisposable count = SetInput(generator, "num_image_tokens", counts, [counts.Length], ElementType.int64);

        // GenAI sums the counts into one rows dimension and takes the image count from pixel_values: [2, sum, hidden].
        if (expectedError is null)
        {
            generator.AppendTokens(ids);
            Assert.Equal(GreedyTokens, Finish(generator, ids.Length).Length);
        }
        else
        {
            var error = Assert.Throws<OnnxRuntimeGenAIException>(() => generator.AppendTokens(ids));
            _output.WriteLine(error.Message);
            Assert.Contains(expectedError, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void With_rank_2_two_images_run_when_the_caller_sets_the_total_count()
    {
        using var model = new Model(WriteFolder(rank: 2));
        using var processor = new MultiModalProcessor(model);
        using var images = Images.Load([WritePng(_folder, 640, 480), WritePng(_folder, 300, 500)]);
        using NamedTensors inputs = processor.ProcessImages(Prompt(images: 2), images);
        int promptLength = GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data.Length;
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", promptLength + GreedyTokens);
        using var generator = new Generator(model, parameters);

        // The processor's one count (256) would size [256, hidden] for the two images' 512 rows.
        using IDisposable count = SetInput(generator, "num_image_tokens", [512L], [1], ElementType.int64);
        generator.SetInputs(inputs);
        Assert.Equal(GreedyTokens, Finish(generator, promptLength).Length);
    }

    [Fact]
    public void With_rank_3_a_text_only_request_runs_when_a_one_image_pixel_values_gives_the_batch_dimension()
    {
        using var model = new Model(WriteFolder(rank: 3));
        using var tokenizer = new Tokenizer(model);
        int[] ids = Encode(tokenizer, Prompt(images: 0));
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", ids.Length + GreedyTokens);
        using var generator = new Generator(model, parameters);

        // No count, so the vision model does not run; the [1, 0, hidden] buffer still has the embedding's rank.
        using IDisposable batch = SetInput(generator, "pixel_values", [0f], [1, 1, 1], ElementType.float32);
        generator.AppendTokens(ids);
        Assert.Equal(GreedyTokens, Finish(generator, ids.Length).Length);
    }

    [Theory]
    [InlineData(TinyGemma3Model.VisionFileName, "token_type_ids", true)]
    [InlineData(TinyGemma3Model.EmbeddingFileName, "token_type_ids", false)]
    [InlineData(TinyGemma3Model.DecoderFileName, "token_type_ids", false)]
    [InlineData(TinyGemma3Model.DecoderFileName, "position_ids", true)]
    public void GenAI_feeds_token_type_ids_to_the_vision_model_only_and_position_ids_to_a_decoder_that_declares_it(string file, string input, bool fed)
    {
        string folder = WriteFolder(rank: 3);
        RequireInput(Path.Combine(folder, file), input, input == "position_ids" ? OnnxDataType.Int64 : OnnxDataType.Int32); // the types GenAI makes
        using var model = new Model(folder);
        using var processor = new MultiModalProcessor(model);
        using var images = Images.Load([WritePng(_folder, 640, 480)]);
        using NamedTensors inputs = processor.ProcessImages(Prompt(), images);
        int promptLength = GenAiProcessorOutputs.Read<int>(inputs, "input_ids").Data.Length;

        if (fed)
        {
            Assert.Equal(GreedyTokens, Generate(model, inputs, promptLength).Length);
        }
        else
        {
            var error = Assert.Throws<OnnxRuntimeGenAIException>(() => Generate(model, inputs, promptLength));
            _output.WriteLine($"{file}: {error.Message}");
            Assert.Contains("Missing Input: " + input, error.Message, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int[] Encode(Tokenizer tokenizer, string text)
    {
        using Sequences sequences = tokenizer.Encode(text);
        return sequences[0].ToArray();
    }

    // Prompt text as GenAI's processor would expand it, but with `rows` soft tokens per image.
    private static string PromptWithSoftTokens(int rows, int images = 1) =>
        Prompt(images).Replace("<start_of_image>", "\n\n<start_of_image>" + string.Concat(Enumerable.Repeat("<image_soft_token>", rows)) + "<end_of_image>\n\n", StringComparison.Ordinal);

    // The stand-in's input: rank 2 [rows, hidden] under its own name; rank 3 [images, rows, hidden] named pixel_values, the
    // input GenAI reads the image count from.
    private static string StubInputName(int rank) => rank == 3 ? "pixel_values" : "kept_image_features";

    private static IDisposable SetStubRows(Generator generator, int rank, int images, int rows)
    {
        float[] features = [.. Enumerable.Range(0, images * rows * Hidden).Select(i => MathF.Sin(i))];
        long[] shape = rank == 3 ? [images, rows, Hidden] : [images * rows, Hidden];
        return SetInput(generator, StubInputName(rank), features, shape, ElementType.float32);
    }

    private string WriteFolder(int rank)
    {
        string folder = Path.Combine(_folder, "rank" + rank);
        TinyGemma3Model.Write(folder, new TinyGemma3Options { ImageFeaturesRank = rank });
        return folder;
    }

    // The folder with its vision model replaced by an Identity from the caller's rows to image_features, as a pruning path
    // that runs the encoder itself would hand GenAI only the kept rows.
    private Model StubbedModel(int rank)
    {
        string folder = WriteFolder(rank);
        var b = new GraphBuilder("kept_rows_stub");
        Dimension[] shape = rank == 3 ? ["num_images", "num_image_tokens", Hidden] : ["num_image_tokens", Hidden];
        GraphValue rows = b.Input(StubInputName(rank), OnnxDataType.Float, shape);
        b.Output("image_features", rows, shape);
        OnnxModelFile.Save(b.Build(), Path.Combine(folder, StubFileName));

        using var config = new Config(folder);
        config.Overlay("{\"model\": {\"vision\": {\"filename\": \"" + StubFileName + "\", \"inputs\": {\"pixel_values\": \"" + StubInputName(rank) + "\"}}}}");
        return new Model(config);
    }

    // Adds a required input to a model and makes its first output depend on it (a zero sum), so a run without it fails.
    private static void RequireInput(string path, string name, OnnxDataType type)
    {
        ModelProto model = OnnxModelFile.Load(path, loadExternalData: true);
        GraphProto graph = model.Graph;
        graph.Input.Add(OnnxTypes.TensorValueInfo(name, type, [Dimension.Symbolic("batch_size"), Dimension.Symbolic("sequence_length")]));
        string output = graph.Output[0].Name, original = output + "_without_" + name;
        foreach (NodeProto node in graph.Node)
        {
            for (int i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i] == output)
                {
                    node.Output[i] = original;
                }
            }
        }

        graph.Node.Add(new NodeProto { OpType = "ReduceSum", Name = name + "/ReduceSum", Input = { name }, Output = { name + "_sum" }, Attribute = { NodeAttributes.Int("keepdims", 0) } });
        graph.Node.Add(new NodeProto { OpType = "Cast", Name = name + "/Cast", Input = { name + "_sum" }, Output = { name + "_float" }, Attribute = { NodeAttributes.Int("to", (long)OnnxDataType.Float) } });
        graph.Initializer.Add(OnnxTensors.Create<float>(name + "_zero", [], [0f]));
        graph.Node.Add(new NodeProto { OpType = "Mul", Name = name + "/Mul", Input = { name + "_float", name + "_zero" }, Output = { name + "_nothing" } });
        graph.Node.Add(new NodeProto { OpType = "Add", Name = name + "/Add", Input = { original, name + "_nothing" }, Output = { output } });
        OnnxModelFile.Save(model, path, new ExternalDataOptions());
    }
}
