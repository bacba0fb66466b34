using System.Text.Encodings.Web;
using System.Text.Json;

namespace VisPruner.DemoModels;

/// <summary>The JSON writing every family's config files share: deterministic output and the common <c>genai_config.json</c> sections.</summary>
internal static class ConfigJson
{
    /// <summary>The <c>decoder</c> section of <c>genai_config.json</c>: the text model as GenAI's builder exports it with <c>exclude_embeds</c>.</summary>
    public static void WriteDecoder(Utf8JsonWriter w, IDecoderOptions o, string fileName)
    {
        w.WriteStartObject("decoder");
        w.WriteStartObject("session_options");
        w.WriteString("log_id", "onnxruntime-genai");
        w.WriteStartArray("provider_options");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteString("filename", fileName);
        w.WriteNumber("head_size", o.HeadSize);
        w.WriteNumber("hidden_size", o.HiddenSize);
        WriteNames(w, "inputs",
            ("inputs_embeds", "inputs_embeds"), ("attention_mask", "attention_mask"),
            ("past_key_names", "past_key_values.%d.key"), ("past_value_names", "past_key_values.%d.value"));
        WriteNames(w, "outputs",
            ("logits", "logits"), ("present_key_names", "present.%d.key"), ("present_value_names", "present.%d.value"));
        w.WriteNumber("num_attention_heads", o.AttentionHeads);
        w.WriteNumber("num_hidden_layers", o.DecoderLayers);
        w.WriteNumber("num_key_value_heads", o.KeyValueHeads);
        w.WriteEndObject();
    }

    /// <summary>The <c>search</c> section: greedy search, with the published defaults for everything else.</summary>
    public static void WriteSearch(Utf8JsonWriter w, int maxLength, bool pastPresentShareBuffer)
    {
        w.WriteStartObject("search");
        w.WriteNumber("diversity_penalty", 0.0);
        w.WriteBoolean("do_sample", false);
        w.WriteBoolean("early_stopping", true);
        w.WriteNumber("length_penalty", 1.0);
        w.WriteNumber("max_length", maxLength);
        w.WriteNumber("min_length", 0);
        w.WriteNumber("no_repeat_ngram_size", 0);
        w.WriteNumber("num_beams", 1);
        w.WriteNumber("num_return_sequences", 1);
        w.WriteBoolean("past_present_share_buffer", pastPresentShareBuffer);
        w.WriteNumber("repetition_penalty", 1.0);
        w.WriteNumber("temperature", 1.0);
        w.WriteNumber("top_k", 1);
        w.WriteNumber("top_p", 1.0);
        w.WriteEndObject();
    }

    /// <summary>Writes one processor operation as onnxruntime-extensions reads it.</summary>
    /// <param name="inputs">The operation's inputs (<c>":0"</c> is the previous output), or null for the previous output alone.</param>
    public static void WriteOperation(Utf8JsonWriter w, string name, string type, string? domain, Action<Utf8JsonWriter>? attributes, IReadOnlyList<string>? inputs = null)
    {
        w.WriteStartObject();
        w.WriteStartObject("operation");
        w.WriteString("name", name);
        if (domain is not null)
        {
            w.WriteString("domain", domain);
        }

        w.WriteString("type", type);
        if (inputs is not null)
        {
            w.WriteStartArray("inputs");
            foreach (string input in inputs)
            {
                w.WriteStringValue(input);
            }

            w.WriteEndArray();
        }

        if (attributes is not null)
        {
            w.WriteStartObject("attrs");
            attributes(w);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteNames(Utf8JsonWriter w, string section, params (string Key, string Value)[] names)
    {
        w.WriteStartObject(section);
        foreach ((string key, string value) in names)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }

    /// <summary>An indented UTF-8 JSON object, written by <paramref name="body"/>; the bytes depend only on what it writes.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }
}
