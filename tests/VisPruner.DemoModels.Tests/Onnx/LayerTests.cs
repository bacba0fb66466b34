using VisPruner.Onnx.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Xunit;

using VisPruner.Onnx;

namespace VisPruner.DemoModels.Tests.Onnx;

public class LayerTests
{
    [Fact]
    public void Multi_head_self_attention_matches_a_direct_computation()
    {
        const int seq = 5, hidden = 12, heads = 3, headSize = hidden / heads;
        var b = new GraphBuilder(seed: 13);
        GraphValue x = b.Input("x", OnnxDataType.Float, 1, "seq", hidden);
        b.Output(b.MultiHeadSelfAttention(x, hidden, heads, "attn", std: 0.3f, name: "y"));
        GraphProto graph = b.Build().Graph;
        float[] W(string name) => OnnxTensors.Read<float>(graph.Initializer.Single(t => t.Name == name));
        float[] input = new TensorRandom(14).Normal(seq * hidden);

        float[] y = ModelRunner.RunSingle(b, ("x", OrtValue.CreateTensorValueFromMemory(input, [1, seq, hidden])));

        float[] q = Reference.MatMul(input, W("attn.q_proj"), seq, hidden, hidden);
        float[] k = Reference.MatMul(input, W("attn.k_proj"), seq, hidden, hidden);
        float[] v = Reference.MatMul(input, W("attn.v_proj"), seq, hidden, hidden);
        var context = new float[seq * hidden];
        for (int h = 0; h < heads; h++)
        {
            var scores = new float[seq * seq];
            for (int i = 0; i < seq; i++)
            {
                for (int j = 0; j < seq; j++)
                {
                    float dot = 0;
                    for (int d = 0; d < headSize; d++)
                    {
                        dot += q[i * hidden + h * headSize + d] * k[j * hidden + h * headSize + d];
                    }

                    scores[i * seq + j] = dot / MathF.Sqrt(headSize);
                }
            }

            float[] p = Reference.Softmax(scores, seq);
            for (int i = 0; i < seq; i++)
            {
                for (int d = 0; d < headSize; d++)
                {
                    float sum = 0;
                    for (int j = 0; j < seq; j++)
                    {
                        sum += p[i * seq + j] * v[j * hidden + h * headSize + d];
                    }

                    context[i * hidden + h * headSize + d] = sum;
                }
            }
        }

        // Projection biases are zero-initialised, so the output is the context times the out projection.
        ModelRunner.AssertClose(Reference.MatMul(context, W("attn.out_proj"), seq, hidden, hidden), y, 1e-4f);
    }

    [Fact]
    public void A_head_count_that_does_not_divide_the_hidden_size_is_rejected()
    {
        var b = new GraphBuilder();
        GraphValue x = b.Input("x", OnnxDataType.Float, 1, 4, 10);

        Assert.Throws<ArgumentException>(() => b.MultiHeadSelfAttention(x, 10, 3, "attn"));
    }
}
