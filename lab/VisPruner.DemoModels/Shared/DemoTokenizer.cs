using System.Globalization;
using System.Text.Json;

namespace VisPruner.DemoModels;

/// <summary>
/// A small Llama-2/Phi-3.5-style SentencePiece BPE tokenizer, generated in code: <c>&lt;unk&gt;</c>, <c>&lt;s&gt;</c>,
/// <c>&lt;/s&gt;</c>, the 256 byte-fallback tokens, the characters of a built-in English text, merges learned from
/// that text, and a family's special tokens: Phi-3.5's right after the base vocabulary (<see cref="Instance"/>), or
/// Phi-4-multimodal's at their published ids 199999.. in a 200064-wide vocabulary (<see cref="Phi4Multimodal"/>),
/// whose image placeholder <c>&lt;|endoftext10|&gt;</c> must be id 200010 because GenAI's processor hard-codes it.
/// </summary>
/// <remarks>
/// A sparse layout declares more ids than it has tokens. The graphs then map an id to a compact row
/// (<see cref="RowOf"/>: base ids as they are, special ids after them) and widen the logits back to
/// <see cref="VocabularySize"/>, so the folder stays small.
/// </remarks>
internal sealed class DemoTokenizer
{
    private const string WordMarker = "\u2581"; // SentencePiece's "▁"
    private const int MaxMerges = 480;

    // Phi-3.5's added tokens, in their published order (ids 32000.. there; right after the base vocabulary here).
    private static readonly string[] Phi3SpecialTokens =
    [
        "<|endoftext|>", "<|assistant|>", "<|placeholder1|>", "<|placeholder2|>", "<|placeholder3|>", "<|placeholder4|>",
        "<|system|>", "<|end|>", "<|placeholder5|>", "<|placeholder6|>", "<|user|>",
    ];

    // Phi-4-multimodal's added tokens from id 199999 on, contiguous: <|endoftext|>, <|endoftext0..17|> (10 is the image
    // placeholder, 11 the audio one), then the chat and tool markers.
    private static readonly string[] Phi4SpecialTokens =
    [
        "<|endoftext|>", .. Enumerable.Range(0, 18).Select(i => string.Create(CultureInfo.InvariantCulture, $"<|endoftext{i}|>")),
        "<|endofprompt|>", "<|assistant|>", "<|end|>", "<|user|>", "<|system|>", "<|tool|>", "<|/tool|>", "<|tool_call|>",
        "<|/tool_call|>", "<|tool_response|>", "<|tag|>",
    ];

    private const int Phi4FirstSpecialId = 199999;
    private const int Phi4VocabularySize = 200064;

    // Training text for the merges: plain English about pictures, so chat prompts and replies tokenize compactly.
    private const string TrainingText =
        "The image shows a small red house next to a tall green tree. A white cat sits on the wooden steps in front of the door. " +
        "The sky is blue and there are a few clouds. What is in this picture? Describe the image in detail. " +
        "There is a person walking a dog along the road. The dog is brown and the person is wearing a black coat. " +
        "In the background you can see mountains covered with snow, and a river that runs through the valley. " +
        "Please answer the question about the photo. The answer is that the car is parked near the building. " +
        "How many people are there in the room? There are three people sitting at the table and one is standing by the window. " +
        "This is a chart of the results. The values increase from left to right, and the largest bar is on the right side. " +
        "The text on the sign says that the store is open from nine in the morning to six in the evening. " +
        "I can see a bowl of fruit with apples, oranges and bananas on the kitchen counter. The light comes from the window. " +
        "You are a helpful assistant. Thank you for the picture; here is what I see. The colors are bright and the scene is calm. " +
        QuestionAnswerText;

    // The questions and answers the trained demo model knows (Fashion-MNIST scenes), so each word of them is one or two
    // tokens: short prompts, and answers the decoder emits in few steps.
    private const string QuestionAnswerText =
        "How many t-shirts are there? How many trousers are there? How many pullovers are there? How many dresses are there? " +
        "How many coats are there? How many sandals are there? How many shirts are there? How many sneakers are there? " +
        "How many bags are there? How many ankle boots are there? Is there a t-shirt? Is there a trouser? Is there a pullover? " +
        "Is there a dress? Is there a coat? Is there a sandal? Is there a shirt? Is there a sneaker? Is there a bag? " +
        "Is there a ankle boot? What is in the top-left cell? What is in the top cell? What is in the top-right cell? " +
        "What is in the left cell? What is in the centre cell? What is in the right cell? What is in the bottom-left cell? " +
        "What is in the bottom cell? What is in the bottom-right cell? What colour is the t-shirt? What colour is the trouser? " +
        "What colour is the pullover? What colour is the dress? What colour is the coat? What colour is the sandal? " +
        "What colour is the shirt? What colour is the sneaker? What colour is the bag? What colour is the ankle boot? " +
        "What is in this picture? yes no nothing red green blue yellow white orange 0 1 2 3 4 5 6 " +
        "ankle boot, bag, coat, dress, pullover, sandal, shirt, sneaker, t-shirt, trouser. " +
        "t-shirt trouser pullover dress coat sandal shirt sneaker bag ankle boot red green blue yellow white orange nothing";

    // Phi-3.5-vision's chat format as a Hugging Face (Jinja) chat template: each turn is <|role|>\n content <|end|>\n.
    private const string Phi3ChatTemplate =
        "{% for message in messages %}{{ '<|' + message['role'] + '|>' + '\n' + message['content'] + '<|end|>' + '\n' }}{% endfor %}" +
        "{% if add_generation_prompt and messages[-1]['role'] != 'assistant' %}{{ '<|assistant|>' + '\n' }}{% endif %}";

    // Phi-4-multimodal's chat format: each turn is <|role|> content <|end|>, with no newlines.
    private const string Phi4ChatTemplate =
        "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] + '<|end|>' }}{% endfor %}" +
        "{% if add_generation_prompt and messages[-1]['role'] != 'assistant' %}{{ '<|assistant|>' }}{% else %}{{ eos_token }}{% endif %}";

    private readonly List<string> _vocabulary = [];
    private readonly List<(string Left, string Right)> _merges = [];
    private readonly string[] _specialTokens;
    private readonly int _firstSpecialId;
    private readonly bool _addBos;
    private readonly string _chatTemplate;

    private DemoTokenizer(string[] specialTokens, int? firstSpecialId, int? vocabularySize, bool addBos, string chatTemplate)
    {
        _specialTokens = specialTokens;
        _addBos = addBos;
        _chatTemplate = chatTemplate;
        _vocabulary.AddRange(["<unk>", "<s>", "</s>"]);
        for (int b = 0; b < 256; b++)
        {
            _vocabulary.Add(string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>"));
        }

        string[] words = Words(TrainingText);
        foreach (char c in words.SelectMany(w => w).Distinct().Order())
        {
            _vocabulary.Add(c.ToString());
        }

        LearnMerges(words);
        BaseVocabularySize = _vocabulary.Count;
        _firstSpecialId = firstSpecialId ?? BaseVocabularySize;
        VocabularySize = vocabularySize ?? _firstSpecialId + _specialTokens.Length;
    }

    /// <summary>The tokenizer of every phi3v demo model (it depends on nothing but this code).</summary>
    public static DemoTokenizer Instance { get; } = new(Phi3SpecialTokens, null, null, addBos: true, Phi3ChatTemplate);

    /// <summary>The tokenizer of the phi4mm demo models: the same base vocabulary, Phi-4-multimodal's special ids, no BOS.</summary>
    public static DemoTokenizer Phi4Multimodal { get; } = new(Phi4SpecialTokens, Phi4FirstSpecialId, Phi4VocabularySize, addBos: false, Phi4ChatTemplate);

    public static int BosId => 1;

    public int BaseVocabularySize { get; }

    /// <summary>The declared vocabulary: the width of the decoder's logits and <c>vocab_size</c> in <c>genai_config.json</c>.</summary>
    public int VocabularySize { get; }

    /// <summary>Rows of the graphs' token tables: the base vocabulary plus the special tokens.</summary>
    public int CompactSize => BaseVocabularySize + _specialTokens.Length;

    /// <summary>The first special token's id.</summary>
    public int FirstSpecialId => _firstSpecialId;

    /// <summary>Whether special ids sit apart from the base vocabulary (then graphs map ids to compact rows).</summary>
    public bool IsSparse => _firstSpecialId != BaseVocabularySize || VocabularySize != CompactSize;

    public int EndOfTextId => SpecialId("<|endoftext|>");

    public int AssistantId => SpecialId("<|assistant|>");

    public int EndId => SpecialId("<|end|>");

    /// <summary>The compact table row of token <paramref name="id"/>.</summary>
    public int RowOf(int id) => id < _firstSpecialId ? id : id - _firstSpecialId + BaseVocabularySize;

    public int SpecialId(string token)
    {
        int index = Array.IndexOf(_specialTokens, token);
        return index >= 0 ? _firstSpecialId + index : throw new ArgumentException($"'{token}' is not a special token of this tokenizer.", nameof(token));
    }

    public byte[] TokenizerJson()
    {
        return ConfigJson.Write(w =>
        {
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            for (int id = 0; id < 3; id++)
            {
                WriteAddedToken(w, id, _vocabulary[id], rstrip: false);
            }

            for (int i = 0; i < _specialTokens.Length; i++)
            {
                // As published for Phi-3.5: every chat marker except <|endoftext|> swallows the whitespace after it.
                WriteAddedToken(w, _firstSpecialId + i, _specialTokens[i], rstrip: RightStrips(i));
            }

            w.WriteEndArray();

            w.WriteStartObject("normalizer");
            w.WriteString("type", "Sequence");
            w.WriteStartArray("normalizers");
            w.WriteStartObject();
            w.WriteString("type", "Prepend");
            w.WriteString("prepend", WordMarker);
            w.WriteEndObject();
            WriteReplace(w, " ", WordMarker);
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteNull("pre_tokenizer");

            if (!_addBos)
            {
                w.WriteNull("post_processor");
            }
            else
            {
                w.WriteStartObject("post_processor");
                w.WriteString("type", "TemplateProcessing");
                w.WriteStartArray("single");
                WriteTemplatePiece(w, "SpecialToken", "<s>");
                WriteTemplatePiece(w, "Sequence", "A");
                w.WriteEndArray();
                w.WriteStartArray("pair");
                WriteTemplatePiece(w, "SpecialToken", "<s>");
                WriteTemplatePiece(w, "Sequence", "A");
                WriteTemplatePiece(w, "SpecialToken", "<s>");
                WriteTemplatePiece(w, "Sequence", "B");
                w.WriteEndArray();
                w.WriteStartObject("special_tokens");
                w.WriteStartObject("<s>");
                w.WriteString("id", "<s>");
                w.WriteStartArray("ids");
                w.WriteNumberValue(BosId);
                w.WriteEndArray();
                w.WriteStartArray("tokens");
                w.WriteStringValue("<s>");
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteStartObject("decoder");
            w.WriteString("type", "Sequence");
            w.WriteStartArray("decoders");
            WriteReplace(w, WordMarker, " ");
            w.WriteStartObject();
            w.WriteString("type", "ByteFallback");
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("type", "Fuse");
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("type", "Strip");
            w.WriteString("content", " ");
            w.WriteNumber("start", 1);
            w.WriteNumber("stop", 0);
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
            foreach ((string left, string right) in _merges)
            {
                w.WriteStringValue(left + " " + right);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    public byte[] TokenizerConfigJson()
    {
        return ConfigJson.Write(w =>
        {
            w.WriteBoolean("add_bos_token", _addBos);
            w.WriteBoolean("add_eos_token", false);
            w.WriteStartObject("added_tokens_decoder");
            for (int i = 0; i < _specialTokens.Length; i++)
            {
                w.WriteStartObject((_firstSpecialId + i).ToString(CultureInfo.InvariantCulture));
                w.WriteString("content", _specialTokens[i]);
                w.WriteBoolean("lstrip", false);
                w.WriteBoolean("normalized", false);
                w.WriteBoolean("rstrip", RightStrips(i));
                w.WriteBoolean("single_word", false);
                w.WriteBoolean("special", true);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteString("bos_token", "<s>");
            w.WriteString("chat_template", _chatTemplate);
            w.WriteBoolean("clean_up_tokenization_spaces", false);
            w.WriteString("eos_token", "<|endoftext|>");
            w.WriteBoolean("legacy", false);
            w.WriteNumber("model_max_length", 131072);
            w.WriteString("pad_token", "<|endoftext|>");
            w.WriteString("padding_side", "right");
            w.WriteString("tokenizer_class", "LlamaTokenizer");
            w.WriteString("unk_token", "<unk>");
            w.WriteBoolean("use_default_system_prompt", false);
        });
    }

    // Phi-3.5's chat markers swallow the whitespace after them; Phi-4's markers keep it.
    private bool RightStrips(int specialIndex) => _addBos && specialIndex != 0;

    // Training words: "▁" plus each space-separated word, with punctuation split off as SentencePiece's
    // character-class boundaries would, so merges like "g." never form.
    private static string[] Words(string text)
    {
        var words = new List<string>();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int start = 0;
            for (int i = 1; i <= word.Length; i++)
            {
                if (i == word.Length || char.IsLetterOrDigit(word[i]) != char.IsLetterOrDigit(word[i - 1]))
                {
                    words.Add((start == 0 ? WordMarker : string.Empty) + word[start..i]);
                    start = i;
                }
            }
        }

        return [.. words];
    }

    internal static void WriteAddedToken(Utf8JsonWriter w, int id, string content, bool rstrip)
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteString("content", content);
        w.WriteBoolean("single_word", false);
        w.WriteBoolean("lstrip", false);
        w.WriteBoolean("rstrip", rstrip);
        w.WriteBoolean("normalized", false);
        w.WriteBoolean("special", true);
        w.WriteEndObject();
    }

    internal static void WriteReplace(Utf8JsonWriter w, string pattern, string content)
    {
        w.WriteStartObject();
        w.WriteString("type", "Replace");
        w.WriteStartObject("pattern");
        w.WriteString("String", pattern);
        w.WriteEndObject();
        w.WriteString("content", content);
        w.WriteEndObject();
    }

    internal static void WriteTemplatePiece(Utf8JsonWriter w, string kind, string id)
    {
        w.WriteStartObject();
        w.WriteStartObject(kind);
        w.WriteString("id", id);
        w.WriteNumber("type_id", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // Classic BPE training inside words: merge the most frequent adjacent pair (ties broken ordinally) until every word
    // is one symbol or the merge budget is spent. Deterministic by construction.
    private void LearnMerges(string[] words)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string word in words)
        {
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }

        List<(List<string> Symbols, int Count)> corpus = [.. counts.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (p.Key.Select(c => c.ToString()).ToList(), p.Value))];
        var known = new HashSet<string>(_vocabulary, StringComparer.Ordinal);
        while (_merges.Count < MaxMerges)
        {
            var pairs = new Dictionary<(string, string), int>();
            foreach ((List<string> symbols, int count) in corpus)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
                }
            }

            (string Left, string Right) best = default;
            int bestCount = 0;
            foreach (((string left, string right), int count) in pairs)
            {
                if (count > bestCount || (count == bestCount && best.Left is not null && Compare((left, right), best) < 0))
                {
                    best = (left, right);
                    bestCount = count;
                }
            }

            if (best.Left is null)
            {
                break;
            }

            string merged = best.Left + best.Right;
            _merges.Add(best);
            if (known.Add(merged))
            {
                _vocabulary.Add(merged);
            }

            foreach ((List<string> symbols, _) in corpus)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    if (symbols[i] == best.Left && symbols[i + 1] == best.Right)
                    {
                        symbols[i] = merged;
                        symbols.RemoveAt(i + 1);
                    }
                }
            }
        }
    }

    private static int Compare((string Left, string Right) a, (string Left, string Right) b)
    {
        int left = string.CompareOrdinal(a.Left, b.Left);
        return left != 0 ? left : string.CompareOrdinal(a.Right, b.Right);
    }
}
