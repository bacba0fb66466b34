using VisPruner.DemoModels;
using Microsoft.ML.OnnxRuntime;

namespace VisPruner.DemoModels.Tests.Phi3Vision;

public class DecoderModelTests
{
    // KV-cached logits against a full recompute: same weights, different summation order inside attention.
    private const float CacheTolerance = 1e-4f;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Kv_cached_steps_give_the_logits_of_a_full_recompute(bool sharedBuffer)
    {
        using var folder = new DemoModelFolder();
        using var decoder = new DecoderDriver(folder.Path, folder.Info.Options, folder.Info.VocabularySize);
        long[] ids = [1, 12, 250, 7, 99, 31, 4, 180];
        float[] embeds = decoder.Embed(ids);

        float[] full = decoder.FullRecompute(embeds, ids.Length);
        using var session = decoder.Start(sharedBuffer);
        const int prompt = 3;
        float[] prefill = session.Step(embeds.AsMemory(0, prompt * decoder.Hidden), prompt);
        DemoModelRunner.AssertClose(full.AsSpan(0, prompt * decoder.Vocabulary), prefill, CacheTolerance, "prefill logits");
        for (int t = prompt; t < ids.Length; t++)
        {
            float[] step = session.Step(embeds.AsMemory(t * decoder.Hidden, decoder.Hidden), 1);
            DemoModelRunner.AssertClose(full.AsSpan(t * decoder.Vocabulary, decoder.Vocabulary), step, CacheTolerance, $"logits of position {t}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_scripted_model_emits_its_script_then_end_under_greedy_decoding(bool sharedBuffer)
    {
        long[] prompt = [1, 40, 41, -1, 42, 43];
        int[] script = [300, 17, 17, 5, 260];
        using var folder = new DemoModelFolder(new TinyPhi3VisionOptions { Script = new TinyPhi3VisionScript(prompt.Length, script), MaxLength = 64, ContextLength = 64 });
        using var decoder = new DecoderDriver(folder.Path, folder.Info.Options, folder.Info.VocabularySize);
        using var session = decoder.Start(sharedBuffer);

        float[] logits = session.Step(decoder.Embed(prompt, imageRows: 1), prompt.Length);
        var generated = new List<int>();
        int next = ArgMax(logits.AsSpan((prompt.Length - 1) * decoder.Vocabulary, decoder.Vocabulary));
        while (!folder.Info.EosTokenIds.Contains(next) && generated.Count < 20)
        {
            generated.Add(next);
            next = ArgMax(session.Step(decoder.Embed([next]), 1));
        }

        Assert.Equal(script, generated);
        Assert.Equal(folder.Info.EosTokenIds[0], next);
    }

    [Fact]
    public void A_bench_scale_folder_has_Phi_3_5_depth_and_its_decoder_runs()
    {
        using var folder = new DemoModelFolder(TinyPhi3VisionModel.BenchScale(16));
        using var decoder = new DecoderDriver(folder.Path, folder.Info.Options, folder.Info.VocabularySize);
        long[] ids = [1, 30, 31, 32];
        float[] full = decoder.FullRecompute(decoder.Embed(ids), ids.Length);
        Assert.Equal(ids.Length * folder.Info.VocabularySize, full.Length);
        Assert.All(full, v => Assert.True(float.IsFinite(v)));

        var vision = VisPruner.Onnx.OnnxModelFile.Load(folder.File(TinyPhi3VisionModel.VisionFileName));
        Assert.Equal(23, vision.Graph.Node.Count(n => n.OpType == "Softmax")); // CLIP's 24 layers minus the unused last one
        var text = VisPruner.Onnx.OnnxModelFile.Load(folder.File(TinyPhi3VisionModel.DecoderFileName));
        Assert.Equal(32, text.Graph.Node.Count(n => n.OpType == "GroupQueryAttention"));
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }
}
