namespace VisPruner.Tokenizers;

/// <summary>
/// A token matched in the input text before the model sees it (tokenizer.json "added_tokens"), such as
/// <c>&lt;|end|&gt;</c> or <c>&lt;|im_start|&gt;</c>.
/// </summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The exact text that stands for the token.</param>
/// <param name="Special">Whether decoding may skip the token (<c>skipSpecialTokens</c>).</param>
/// <param name="SingleWord">Match only where the content is not part of a larger word.</param>
/// <param name="LeftStrip">Absorb the whitespace before a match.</param>
/// <param name="RightStrip">Absorb the whitespace after a match.</param>
/// <param name="Normalized">Match against normalized text (true) or the raw input (false).</param>
public sealed record AddedToken(int Id, string Content, bool Special, bool SingleWord = false, bool LeftStrip = false, bool RightStrip = false, bool Normalized = false);
