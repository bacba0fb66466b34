namespace VisPruner.Tokenizers.Tests;

/// <summary>Once warm, encoding into a reused list allocates nothing for byte-level tokenizers.</summary>
public class AllocationTests
{
    [Fact]
    public void Warm_o200k_encoding_of_the_whole_corpus_does_not_allocate() =>
        AssertNoAllocations("gpt4o", ParityFixture.Instance.Encodes.Where(c => c.Variant == "gpt4o").Select(c => c.Text).Distinct().ToArray());

    [Fact]
    public void Warm_qwen_encoding_of_common_scripts_does_not_allocate()
    {
        // Qwen normalizes to NFC: these scripts pass its quick check; text needing a full check or a
        // normalized copy (combining marks, Arabic, Devanagari) may allocate that copy.
        string[] texts =
        [
            "The quick brown fox jumps over the lazy dog.", "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
            "日本語のテキストです。東京は大きい都市です。", "中文分词测试：你好，世界！", "한국어 문장입니다.", "Emoji 😀👍🏽 family 🎉 ÜñïcödéÀ",
            "<|im_start|>user\nHi<|im_end|>", "Ｆｕｌｌｗｉｄｔｈ　ｆｏｒｍｓ",
        ];
        AssertNoAllocations("qwen3", texts);
    }

    private static void AssertNoAllocations(string variant, string[] texts)
    {
        var tokenizer = RealTokenizers.Variant(variant);
        var ids = new List<int>(1 << 16);
        long Encode(string text)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            tokenizer.Encode(text, ids);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        foreach (var text in texts)
        {
            Encode(text); // fills the per-thread buffers and the word cache
        }

        ids.Clear();
        var allocating = texts.Where(t => Encode(t) != 0).Select(ParityTests.Escape).ToList();

        Assert.True(allocating.Count == 0, "Allocated while encoding: " + string.Join(", ", allocating));
        Assert.NotEmpty(ids);
    }
}
