using System.Text;

namespace VisPruner.Tokenizers.Tests;

/// <summary>Streamed text equals the full decode and never shows broken characters or doubled spaces.</summary>
public class StreamingDecoderTests
{
    [Theory]
    [MemberData(nameof(ParityFixture.VariantNames), MemberType = typeof(ParityFixture))]
    public void Streaming_the_corpus_yields_the_full_decode_in_whole_characters(string variant)
    {
        var tokenizer = RealTokenizers.Variant(variant);
        var decoder = tokenizer.CreateStreamingDecoder();
        foreach (var c in ParityFixture.Instance.Encodes.Where(c => c.Variant == variant && !c.AddSpecialTokens))
        {
            var streamed = new StringBuilder();
            foreach (var id in c.Ids)
            {
                var chunk = decoder.Push(id);
                AssertWholeCharacters(chunk);
                streamed.Append(chunk);
            }

            streamed.Append(decoder.Flush());
            Assert.Equal(tokenizer.Decode(c.Ids), streamed.ToString());
        }
    }

    [Fact]
    public void A_character_split_into_byte_tokens_appears_once_all_bytes_arrived()
    {
        // U+20000 is not in the Llama vocabulary: it encodes as four <0xNN> byte-fallback tokens.
        var tokenizer = RealTokenizers.Variant("llama2");
        var ids = tokenizer.Encode("a\U00020000", addSpecialTokens: false);
        var byteTokens = ids.Where(id => tokenizer.IdToToken(id)!.StartsWith("<0x", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, byteTokens.Length);

        var decoder = tokenizer.CreateStreamingDecoder();
        var chunks = ids.Select(decoder.Push).ToList();

        Assert.Equal(["", "", "", "\U00020000"], chunks.TakeLast(4));
        Assert.Equal("a\U00020000", string.Concat(chunks));
    }

    [Fact]
    public void SentencePiece_leading_space_is_dropped_once_and_later_spaces_kept()
    {
        var tokenizer = RealTokenizers.Variant("phi35");
        var decoder = tokenizer.CreateStreamingDecoder(skipSpecialTokens: true);
        var ids = tokenizer.Encode("Hello  big world", addSpecialTokens: false);

        var chunks = ids.Select(decoder.Push).Where(c => c.Length > 0).ToList();

        Assert.Equal("Hello", chunks[0]);
        Assert.Equal("Hello  big world", string.Concat(chunks));
    }

    [Fact]
    public void Special_tokens_are_skipped_when_asked_and_kept_otherwise()
    {
        var tokenizer = RealTokenizers.Variant("phi35");
        var ids = tokenizer.Encode("Done.<|end|>", addSpecialTokens: false);

        var skipping = tokenizer.CreateStreamingDecoder(skipSpecialTokens: true);
        var keeping = tokenizer.CreateStreamingDecoder(skipSpecialTokens: false);

        Assert.Equal("Done.", string.Concat(ids.Select(skipping.Push)) + skipping.Flush());
        Assert.Equal("Done.<|end|>", string.Concat(ids.Select(keeping.Push)) + keeping.Flush());
    }

    [Fact]
    public void Byte_level_multibyte_characters_split_across_tokens_are_never_emitted_broken()
    {
        var tokenizer = RealTokenizers.Variant("qwen3");
        const string text = "表情 👨‍👩‍👧‍👦 と 𠀀 𝐀";
        var ids = tokenizer.Encode(text, addSpecialTokens: false);
        var decoder = tokenizer.CreateStreamingDecoder();

        var chunks = ids.Select(decoder.Push).ToList();

        Assert.All(chunks, AssertWholeCharacters);
        Assert.Contains(chunks, c => c.Length == 0); // some tokens carry only part of a character
        Assert.Equal(text, string.Concat(chunks) + decoder.Flush());
    }

    [Fact]
    public void An_incomplete_character_at_the_end_is_flushed_as_a_replacement_character()
    {
        var tokenizer = RealTokenizers.Variant("llama2");
        var ids = tokenizer.Encode("\U00020000", addSpecialTokens: false);
        var decoder = tokenizer.CreateStreamingDecoder();

        var held = string.Concat(ids.SkipLast(1).Select(decoder.Push));

        Assert.Equal(string.Empty, held);
        Assert.Equal(tokenizer.Decode(ids.SkipLast(1).ToArray()), decoder.Flush());
        Assert.Equal("\U00020000", string.Concat(ids.Select(decoder.Push)));
    }

    private static void AssertWholeCharacters(string chunk)
    {
        Assert.DoesNotContain('\uFFFD', chunk);
        Assert.True(Encoding.UTF8.GetByteCount(chunk) == new UTF8Encoding(false, true).GetByteCount(chunk), "valid UTF-16");
        Assert.False(chunk.Length > 0 && char.IsHighSurrogate(chunk[^1]), $"chunk ends inside a surrogate pair: {ParityTests.Escape(chunk)}");
    }
}
