using System.Globalization;
using System.Text;

namespace VisPruner.Tokenizers.Tests;

/// <summary>Encode and decode equal Hugging Face tokenizers' output on real tokenizer.json files.</summary>
public class ParityTests
{
    [Theory]
    [MemberData(nameof(ParityFixture.VariantNames), MemberType = typeof(ParityFixture))]
    public void Encode_matches_hugging_face_token_for_token(string variant)
    {
        var tokenizer = RealTokenizers.Variant(variant);
        var failures = new StringBuilder();
        var cases = ParityFixture.Instance.Encodes.Where(c => c.Variant == variant).ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var ids = tokenizer.Encode(c.Text, c.AddSpecialTokens);
            if (!ids.SequenceEqual(c.Ids))
            {
                failures.AppendLine(CultureInfo.InvariantCulture, $"{Escape(c.Text)} (special={c.AddSpecialTokens})\n  expected [{string.Join(",", c.Ids)}]\n  actual   [{string.Join(",", ids)}]");
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Theory]
    [MemberData(nameof(ParityFixture.VariantNames), MemberType = typeof(ParityFixture))]
    public void Decode_matches_hugging_face(string variant)
    {
        var tokenizer = RealTokenizers.Variant(variant);
        var failures = new StringBuilder();
        var cases = ParityFixture.Instance.Decodes.Where(c => c.Variant == variant).ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var text = tokenizer.Decode(c.Ids, c.SkipSpecialTokens);
            if (text != c.Text)
            {
                failures.AppendLine(CultureInfo.InvariantCulture, $"[{string.Join(",", c.Ids)}] (skip={c.SkipSpecialTokens})\n  expected {Escape(c.Text)}\n  actual   {Escape(text)}");
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Theory]
    [MemberData(nameof(ParityFixture.VariantNames), MemberType = typeof(ParityFixture))]
    public void Decoding_the_encoding_of_the_corpus_matches_hugging_face(string variant)
    {
        // Hugging Face's decode of its own encoding is the reference: ours must agree on every corpus text.
        var tokenizer = RealTokenizers.Variant(variant);
        var cases = ParityFixture.Instance.Encodes.Where(c => c.Variant == variant && !c.AddSpecialTokens);
        foreach (var c in cases)
        {
            var roundTrip = tokenizer.Decode(tokenizer.Encode(c.Text, addSpecialTokens: false));
            Assert.Equal(tokenizer.Decode(c.Ids), roundTrip);
        }
    }

    internal static string Escape(string text) =>
        "\"" + string.Concat(text.Select(ch => ch is < ' ' or > '~' ? $"\\u{(int)ch:X4}" : ch.ToString())) + "\"";
}
