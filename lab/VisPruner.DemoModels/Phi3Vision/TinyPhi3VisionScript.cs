namespace VisPruner.DemoModels;

/// <summary>
/// A scripted reply: the decoder's logits ignore its weights and make the token at position <c>p</c> predict
/// <c>Tokens[p - (PromptLength - 1)]</c> by a large margin, then the first end-of-sequence id once the script is used up;
/// positions before the script and after that end token follow the random weights (a later turn is unscripted).
/// </summary>
/// <param name="PromptLength">Length of the prompt (in tokens, image placeholders included) the script follows.</param>
/// <param name="Tokens">The token ids generated after the prompt, in order.</param>
public sealed record TinyPhi3VisionScript(int PromptLength, IReadOnlyList<int> Tokens);
