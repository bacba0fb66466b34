using System.Globalization;
using System.Text.Json;

namespace VisPruner.DemoModels;

/// <summary>
/// A small tokenizer with Gemma 3's layout: its special tokens at their published ids (0–106, <c>"\n"</c> 107,
/// <c>"\n\n"</c> 108, 255999, 256000 and 262144 in a 262208-wide vocabulary) and, from id 109 on, the demo tokenizer's
/// byte-fallback pieces, characters and merges. Written as a <c>GemmaTokenizer</c> with no dummy-prefix space and, as
/// published, <c>add_bos_token</c> true (GenAI 0.20 encodes without special tokens, so prompts carry their own <c>&lt;bos&gt;</c>).
/// </summary>
/// <remarks>
/// The ids from <see cref="BaseSize"/> to 255998 and from 256001 to the vocabulary's end, except the image placeholder
/// 262144, have no token. The graphs therefore map ids to compact table rows (<see cref="BaseSize"/> dense rows, then
/// <c>&lt;start_of_image&gt;</c> and <c>&lt;end_of_image&gt;</c>) and widen the logits back.
/// </remarks>
internal sealed class Gemma3Tokenizer
{
    public const int PadId = 0;
    public const int EosId = 1;
    public const int BosId = 2;
    public const int StartOfTurnId = 105;
    public const int EndOfTurnId = 106;
    public const int BeginImageId = 255999;
    public const int EndImageId = 256000;
    public const int ImageTokenId = 262144;
    public const int VocabularySize = 262208;

    public const string BeginImage = "<start_of_image>";
    public const string EndImage = "<end_of_image>";
    public const string ImageToken = "<image_soft_token>";

    private const string WordMarker = "\u2581"; // SentencePiece's "▁"

    // Gemma 3's chat format: BOS once, turns "<start_of_turn>{user|model}\n{content}<end_of_turn>\n", the system text
    // opening the first user turn, images as <start_of_image>, contents trimmed, roles alternating.
    private const string ChatTemplate =
        "{{ bos_token }}" +
        "{%- if messages[0]['role'] == 'system' -%}" +
        "{%- if messages[0]['content'] is string -%}{%- set system_text = messages[0]['content'] -%}" +
        "{%- else -%}{%- set system_text = messages[0]['content'][0]['text'] -%}{%- endif -%}" +
        "{%- set opening = system_text + '\n\n' -%}{%- set turns = messages[1:] -%}" +
        "{%- else -%}{%- set opening = '' -%}{%- set turns = messages -%}{%- endif -%}" +
        "{%- for message in turns -%}" +
        "{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}" +
        "{{ raise_exception('Gemma 3 turns must alternate between user and assistant, starting with user.') }}" +
        "{%- endif -%}" +
        "{{ '<start_of_turn>' + ('model' if message['role'] == 'assistant' else message['role']) + '\n' }}" +
        "{%- if loop.first -%}{{ opening }}{%- endif -%}" +
        "{%- if message['content'] is string -%}{{ message['content'] | trim }}" +
        "{%- else -%}{%- for part in message['content'] -%}" +
        "{%- if part['type'] == 'image' -%}{{ '<start_of_image>' }}" +
        "{%- elif part['type'] == 'text' -%}{{ part['text'] | trim }}{%- endif -%}" +
        "{%- endfor -%}{%- endif -%}" +
        "{{ '<end_of_turn>\n' }}" +
        "{%- endfor -%}" +
        "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\n' }}{%- endif -%}";

    // Ids 0..106 as published: the four control tokens, <mask>, [multimodal], 99 unused slots, the turn markers.
    private static readonly string[] LeadingTokens =
    [
        "<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "[multimodal]",
        .. Enumerable.Range(0, 99).Select(i => string.Create(CultureInfo.InvariantCulture, $"<unused{i}>")),
        "<start_of_turn>", "<end_of_turn>",
    ];

    private static readonly (int Id, string Content)[] ImageTokens = [(BeginImageId, BeginImage), (EndImageId, EndImage), (ImageTokenId, ImageToken)];

    private readonly List<string> _vocabulary;
    private readonly List<string> _merges;

    private Gemma3Tokenizer()
    {
        // The demo tokenizer's pieces after its three control tokens (byte fallbacks, characters, merged pieces), in id order.
        using JsonDocument demo = JsonDocument.Parse(DemoTokenizer.Instance.TokenizerJson());
        JsonElement model = demo.RootElement.GetProperty("model");
        IEnumerable<string> pieces = model.GetProperty("vocab").EnumerateObject().OrderBy(p => p.Value.GetInt32()).Skip(3).Select(p => p.Name);
        _vocabulary = [.. LeadingTokens, "\n", "\n\n", .. pieces];
        _merges = ["\n \n", .. model.GetProperty("merges").EnumerateArray().Select(m => m.GetString()!)];
    }

    /// <summary>The tokenizer of every gemma3 demo model.</summary>
    public static Gemma3Tokenizer Instance { get; } = new();

    /// <summary>Ids 0 up to this are dense: every one is a token and a table row.</summary>
    public int BaseSize => _vocabulary.Count;

    /// <summary>Rows of the graphs' token tables: the dense ids, then <c>&lt;start_of_image&gt;</c> and <c>&lt;end_of_image&gt;</c>.</summary>
    public int CompactSize => BaseSize + 2;

    public byte[] TokenizerJson() => ConfigJson.Write(w =>
    {
        w.WriteString("version", "1.0");
        w.WriteNull("truncation");
        w.WriteNull("padding");
        w.WriteStartArray("added_tokens");
        // All marked special here (the demo tokenizer's writer); tokenizer_config.json keeps the published flags.
        foreach ((int id, string content) in LeadingTokens.Select((token, id) => (id, token)).Concat(ImageTokens))
        {
            DemoTokenizer.WriteAddedToken(w, id, content, rstrip: false);
        }

        w.WriteEndArray();

        // Spaces become "▁" with no extra one in front (Gemma has no dummy prefix).
        w.WritePropertyName("normalizer");
        DemoTokenizer.WriteReplace(w, " ", WordMarker);
        w.WriteNull("pre_tokenizer");

        w.WriteStartObject("post_processor");
        w.WriteString("type", "TemplateProcessing");
        w.WriteStartArray("single");
        DemoTokenizer.WriteTemplatePiece(w, "SpecialToken", "<bos>");
        DemoTokenizer.WriteTemplatePiece(w, "Sequence", "A");
        w.WriteEndArray();
        w.WriteStartArray("pair");
        DemoTokenizer.WriteTemplatePiece(w, "SpecialToken", "<bos>");
        DemoTokenizer.WriteTemplatePiece(w, "Sequence", "A");
        DemoTokenizer.WriteTemplatePiece(w, "SpecialToken", "<bos>");
        DemoTokenizer.WriteTemplatePiece(w, "Sequence", "B");
        w.WriteEndArray();
        w.WriteStartObject("special_tokens");
        w.WriteStartObject("<bos>");
        w.WriteString("id", "<bos>");
        w.WriteStartArray("ids");
        w.WriteNumberValue(BosId);
        w.WriteEndArray();
        w.WriteStartArray("tokens");
        w.WriteStringValue("<bos>");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("decoder");
        w.WriteString("type", "Sequence");
        w.WriteStartArray("decoders");
        DemoTokenizer.WriteReplace(w, WordMarker, " ");
        w.WriteStartObject();
        w.WriteString("type", "ByteFallback");
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "Fuse");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("model");
        w.WriteString("type", "BPE");
        w.WriteNull("dropout");
        w.WriteString("unk_token", "<unk>");
        w.WriteNull("continuing_subword_prefix");
        w.WriteNull("end_of_word_suffix");
        w.WriteBoolean("fuse_unk", true);
        w.WriteBoolean("byte_fallback", true);
        w.WriteStartObject("vocab");
        for (int id = 0; id < _vocabulary.Count; id++)
        {
            w.WriteNumber(_vocabulary[id], id);
        }

        w.WriteEndObject();
        w.WriteStartArray("merges");
        foreach (string merge in _merges)
        {
            w.WriteStringValue(merge);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    public byte[] TokenizerConfigJson() => ConfigJson.Write(w =>
    {
        w.WriteBoolean("add_bos_token", true);
        w.WriteBoolean("add_eos_token", false);
        w.WriteStartObject("added_tokens_decoder");
        for (int id = 0; id < LeadingTokens.Length; id++)
        {
            WriteDecoderEntry(w, id, LeadingTokens[id], IsSpecial(id));
        }

        foreach ((int id, string content) in ImageTokens)
        {
            WriteDecoderEntry(w, id, content, special: true);
        }

        w.WriteEndObject();
        w.WriteString("boi_token", BeginImage);
        w.WriteString("bos_token", "<bos>");
        w.WriteString("chat_template", ChatTemplate);
        w.WriteBoolean("clean_up_tokenization_spaces", false);
        w.WriteString("eoi_token", EndImage);
        w.WriteString("eos_token", "<eos>");
        w.WriteString("image_token", ImageToken);
        w.WriteNumber("model_max_length", 131072);
        w.WriteString("pad_token", "<pad>");
        w.WriteString("padding_side", "left");
        w.WriteBoolean("spaces_between_special_tokens", false);
        w.WriteString("tokenizer_class", "GemmaTokenizer");
        w.WriteString("unk_token", "<unk>");
        w.WriteBoolean("use_default_system_prompt", false);
    });

    // As published, <mask>, [multimodal] and the unused slots are added tokens but not special ones.
    private static bool IsSpecial(int id) => id <= 3 || id >= StartOfTurnId;

    private static void WriteDecoderEntry(Utf8JsonWriter w, int id, string content, bool special)
    {
        w.WriteStartObject(id.ToString(CultureInfo.InvariantCulture));
        w.WriteString("content", content);
        w.WriteBoolean("lstrip", false);
        w.WriteBoolean("normalized", false);
        w.WriteBoolean("rstrip", false);
        w.WriteBoolean("single_word", false);
        w.WriteBoolean("special", special);
        w.WriteEndObject();
    }
}
