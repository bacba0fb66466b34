"""The demo tokenizer's encoding as ONNX Runtime GenAI performs it, read from the folder's tokenizer.json.

ONNX Runtime GenAI (through onnxruntime-extensions) encodes a Llama-style SentencePiece BPE tokenizer like this:
added tokens are split off first (one with rstrip swallows the whitespace after it); each remaining piece gets a
leading "▁" and is then
  * cut into words by the Llama pre-tokenizer pattern
    (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
    (so digits never merge with the "▁" before them), or
  * when the piece itself starts with a space, merged as a whole (cut only after runs of more than 10 symbols);
spaces become "▁", a word found whole in the vocabulary is one token, and otherwise its characters (unknown ones as
UTF-8 byte tokens) are merged by BPE, lowest merge rank first. encode() adds no BOS, like Tokenizer.Encode. The C# test
TokenizationParityTests compares every template string with ONNX Runtime GenAI itself.
"""
import json

WORD_MARKER = "\u2581"
CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")
SPACES = set("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}


def _letter(c):
    return c.isalpha()


def _number(c):
    return c.isnumeric()


def _space(c):
    return c in SPACES


def _other(c):
    return not (_space(c) or _letter(c) or _number(c))


def _word_end(text, i):
    """End of the pre-tokenizer match at i (the pattern's alternatives, tried in order)."""
    n = len(text)
    lower = text[i:i + 3].lower()
    for c in CONTRACTIONS:
        if lower.startswith(c):
            return i + len(c)
    j = i + 1 if text[i] not in "\r\n" and not _letter(text[i]) and not _number(text[i]) else i
    if j < n and _letter(text[j]):
        while j < n and _letter(text[j]):
            j += 1
        return j
    if _letter(text[i]):
        j = i
        while j < n and _letter(text[j]):
            j += 1
        return j
    if _number(text[i]):
        j = i
        while j < n and j < i + 3 and _number(text[j]):
            j += 1
        return j
    j = i + 1 if text[i] == " " else i
    if j < n and _other(text[j]):
        while j < n and _other(text[j]):
            j += 1
        while j < n and text[j] in "\r\n":
            j += 1
        return j
    run = i
    while run < n and _space(text[run]):
        run += 1
    for k in range(run, i, -1):  # \s*[\r\n]+ : the longest whitespace run ending in a line break
        if text[k - 1] in "\r\n":
            return k
    if run > i:  # \s+(?!\S), else \s+
        return run if run == n or run - i == 1 else run - 1
    return i + 1


class Tokenizer:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
        model = spec["model"]
        self.vocab = model["vocab"]
        self.ranks = {tuple(m.split(" ")): i for i, m in enumerate(model["merges"])}
        self.added = sorted(spec["added_tokens"], key=lambda t: -len(t["content"]))
        self.ids = {t["content"]: t["id"] for t in spec["added_tokens"]}
        self.ids.update(self.vocab)
        self.vocab_size = max(self.ids.values()) + 1

    def id(self, token):
        return self.ids[token]

    def encode(self, text):
        ids = []
        piece_start, i = 0, 0
        while i < len(text):
            match = next((t for t in self.added if text.startswith(t["content"], i)), None)
            if match is None:
                i += 1
                continue
            ids += self._encode_piece(text[piece_start:i])
            ids.append(match["id"])
            i += len(match["content"])
            if match["rstrip"]:
                while i < len(text) and text[i].isspace():
                    i += 1
            piece_start = i
        return ids + self._encode_piece(text[piece_start:])

    def _encode_piece(self, piece):
        if not piece:
            return []
        text = WORD_MARKER + piece
        ids = []
        if piece[0] == " ":
            symbols, previous = [], None
            for c in text:
                if len(symbols) > 10 and previous not in " \n\r" + WORD_MARKER and c in " \n\r" + WORD_MARKER:
                    ids += self._bpe(symbols)
                    symbols = []
                symbols.append(WORD_MARKER if c == " " else c)
                previous = c
            return ids + self._bpe(symbols)
        i = 0
        while i < len(text):
            end = _word_end(text, i)
            word = text[i:end].replace(" ", WORD_MARKER)
            ids += [self.vocab[word]] if word in self.vocab else self._bpe(list(word))
            i = end
        return ids

    def _bpe(self, symbols):
        symbols = list(symbols)
        while len(symbols) > 1:
            ranked = [(self.ranks[(a, b)], k) for k, (a, b) in enumerate(zip(symbols, symbols[1:])) if (a, b) in self.ranks]
            if not ranked:
                break
            _, k = min(ranked)
            symbols[k:k + 2] = [symbols[k] + symbols[k + 1]]
        ids = []
        for s in symbols:
            if s in self.vocab:
                ids.append(self.vocab[s])
            else:
                ids += [self.vocab["<0x%02X>" % b] for b in s.encode("utf-8")]
        return ids
