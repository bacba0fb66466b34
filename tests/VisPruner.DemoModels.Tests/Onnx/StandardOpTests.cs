using Microsoft.ML.OnnxRuntime;
using Xunit;

using VisPruner.Onnx;
using VisPruner.Onnx.Protobuf;

namespace VisPruner.DemoModels.Tests.Onnx;

public class StandardOpTests
{
    [Fact]
    public void MatMul_plus_bias_matches_a_direct_product_for_a_dynamic_batch()
    {
        var b = new GraphBuilder("linear", seed: 7);
        GraphValue x = b.Input("x", OnnxDataType.Float, "batch", 5);
        GraphValue w = b.RandomNormal("w", [5, 3], std: 0.5f);
        GraphValue bias = b.RandomNormal("bias", [3]);
        b.Output("y", b.Add(b.MatMul(x, w), bias));
        float[] weights = OnnxTensors.Read<float>(b.Build().Graph.Initializer[0]);
        float[] biasValues = OnnxTensors.Read<float>(b.Build().Graph.Initializer[1]);
        float[] input = new TensorRandom(1).Normal(4 * 5);

        float[] y = ModelRunner.RunSingle(b, ("x", OrtValue.CreateTensorValueFromMemory(input, [4, 5])));

        float[] expected = Reference.MatMul(input, weights, 4, 5, 3);
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] += biasValues[i % 3];
        }

        ModelRunner.AssertClose(expected, y);
    }

    [Fact]
    public void Gemm_with_transposed_weight_matches_a_direct_product()
    {
        var b = new GraphBuilder();
        GraphValue x = b.Input("x", OnnxDataType.Float, 2, 3);
        float[] wt = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]; // [4, 3], used transposed
        b.Output("y", b.Gemm(x, b.Initializer<float>("wt", [4, 3], wt), transB: true, alpha: 0.5f));
        float[] input = [1, -1, 2, 0, 3, -2];

        float[] y = ModelRunner.RunSingle(b, ("x", OrtValue.CreateTensorValueFromMemory(input, [2, 3])));

        var w = new float[12];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                w[j * 4 + i] = wt[i * 3 + j] * 0.5f;
            }
        }

        ModelRunner.AssertClose(Reference.MatMul(input, w, 2, 3, 4), y);
    }

    [Fact]
    public void Softmax_matches_a_direct_computation()
    {
        var b = new GraphBuilder();
        b.Output("y", b.Softmax(b.Input("x", OnnxDataType.Float, 3, 7)));
        float[] input = new TensorRandom(3).Normal(21, std: 3);

        ModelRunner.AssertClose(Reference.Softmax(input, 7), ModelRunner.RunSingle(b, ("x", OrtValue.CreateTensorValueFromMemory(input, [3, 7]))));
    }

    [Fact]
    public void LayerNormalization_and_Gelu_match_direct_computations()
    {
        var b = new GraphBuilder(seed: 11);
        GraphValue x = b.Input("x", OnnxDataType.Float, 2, 8);
        GraphValue scale = b.RandomNormal("scale", [8], mean: 1f, std: 0.1f);
        GraphValue bias = b.RandomNormal("bias", [8], std: 0.1f);
        GraphValue norm = b.LayerNormalization(x, scale, bias, epsilon: 1e-5f);
        b.Output("norm", norm);
        b.Output("gelu", b.Gelu(norm));
        var graph = b.Build().Graph;
        float[] scaleValues = OnnxTensors.Read<float>(graph.Initializer[0]);
        float[] biasValues = OnnxTensors.Read<float>(graph.Initializer[1]);
        float[] input = new TensorRandom(4).Normal(16, mean: 2, std: 3);

        float[][] outputs = ModelRunner.Run(b, ("x", OrtValue.CreateTensorValueFromMemory(input, [2, 8])));

        float[] expectedNorm = Reference.LayerNorm(input, scaleValues, biasValues, 1e-5f);
        ModelRunner.AssertClose(expectedNorm, outputs[0], 1e-4f);
        ModelRunner.AssertClose(expectedNorm.Select(Reference.Gelu).ToArray(), outputs[1], 1e-4f);
    }

    [Fact]
    public void Gather_then_ScatterND_places_feature_rows_at_placeholder_positions()
    {
        // The embedding pattern: look token rows up, then overwrite the placeholder positions with image features.
        var b = new GraphBuilder();
        GraphValue ids = b.Input("ids", OnnxDataType.Int64, "seq");
        GraphValue positions = b.Input("positions", OnnxDataType.Int64, "rows", 1);
        GraphValue features = b.Input("features", OnnxDataType.Float, "rows", 2);
        GraphValue table = b.Initializer<float>("table", [3, 2], [0, 0, 10, 11, 20, 21]);
        b.Output("embeds", b.ScatterND(b.Gather(table, ids), positions, features));

        float[] y = ModelRunner.RunSingle(b,
            ("ids", OrtValue.CreateTensorValueFromMemory(new long[] { 1, 0, 0, 2 }, [4])),
            ("positions", OrtValue.CreateTensorValueFromMemory(new long[] { 1, 2 }, [2, 1])),
            ("features", OrtValue.CreateTensorValueFromMemory(new float[] { -1, -2, -3, -4 }, [2, 2])));

        Assert.Equal(new float[] { 10, 11, -1, -2, -3, -4, 20, 21 }, y);
    }

    [Fact]
    public void Shape_ops_compose_as_their_definitions_say()
    {
        var b = new GraphBuilder();
        GraphValue x = b.Input("x", OnnxDataType.Float, 2, 3);
        GraphValue t = b.Transpose(x, [1, 0]);                        // [3, 2]
        GraphValue r = b.Reshape(t, [1, -1]);                         // [1, 6]
        GraphValue c = b.Concat(0, [r, r]);                           // [2, 6]
        GraphValue s = b.Slice(c, [1, 2], [2, 5]);                    // [1, 3]
        GraphValue mean = b.ReduceMean(x, [1], keepDims: false);      // [2]
        GraphValue total = b.ReduceSum(x, [0, 1], keepDims: false);   // []
        GraphValue positive = b.Less(b.Scalar(0f), x);
        GraphValue clipped = b.Where(positive, x, b.Scalar(0f));
        b.Output("slice", s);
        b.Output("mean", mean);
        b.Output("total", total);
        b.Output("clipped", b.Unsqueeze(b.Squeeze(b.Unsqueeze(clipped, [0]), [0]), [0]));
        float[] input = [1, -2, 3, -4, 5, -6];

        float[][] outputs = ModelRunner.Run(b, ("x", OrtValue.CreateTensorValueFromMemory(input, [2, 3])));

        // Transposed: [1, -4, -2, 5, 3, -6]; row 1 of the concat, columns 2..4: [-2, 5, 3].
        Assert.Equal(new float[] { -2, 5, 3 }, outputs[0]);
        ModelRunner.AssertClose([(1 - 2 + 3) / 3f, (-4 + 5 - 6) / 3f], outputs[1]);
        Assert.Equal(new float[] { -3 }, outputs[2]);
        Assert.Equal(new float[] { 1, 0, 3, 0, 5, 0 }, outputs[3]);
    }

    [Fact]
    public void Cast_and_Shape_outputs_carry_their_own_element_types()
    {
        var b = new GraphBuilder();
        GraphValue x = b.Input("x", OnnxDataType.Float, "n");
        b.Output("as_int", b.Cast(x, OnnxDataType.Int64));
        b.Output("shape", b.Shape(x));
        using var session = new InferenceSession(b.ToBytes());
        using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 1.9f, -2.2f, 3 }, [3]);

        using IDisposableReadOnlyCollection<OrtValue> outputs = session.RunNamed([KeyValuePair.Create("x", input)]);

        Assert.Equal(new long[] { 1, -2, 3 }, outputs.Output(session, "as_int").GetTensorDataAsSpan<long>().ToArray());
        Assert.Equal(new long[] { 3 }, outputs.Output(session, "shape").GetTensorDataAsSpan<long>().ToArray());
    }

    [Fact]
    public void Linear_layers_are_reproducible_from_the_seed_and_compute_x_W_plus_b()
    {
        static (GraphBuilder Builder, float[] Weights, float[] Bias) Make()
        {
            var b = new GraphBuilder(seed: 42);
            b.Output(b.Linear(b.Input("x", OnnxDataType.Float, 1, 4), 4, 2, "fc", randomBias: true, std: 0.5f, name: "y"));
            var graph = b.Build().Graph;
            return (b, OnnxTensors.Read<float>(graph.Initializer[0]), OnnxTensors.Read<float>(graph.Initializer[1]));
        }

        (GraphBuilder builder, float[] weights, float[] bias) = Make();
        float[] input = [1, 2, -1, 0.5f];

        float[] y = ModelRunner.RunSingle(builder, ("x", OrtValue.CreateTensorValueFromMemory(input, [1, 4])));

        Assert.Equal(weights, Make().Weights);
        float[] expected = Reference.MatMul(input, weights, 1, 4, 2);
        ModelRunner.AssertClose([expected[0] + bias[0], expected[1] + bias[1]], y);
    }
}
