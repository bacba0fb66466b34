namespace VisPruner.Engine.Generation;

/// <summary>
/// How many tokens a reply may take. Unconstrained, the requested number within the context. A bounded constraint
/// (<see cref="OutputConstraint.MaxTokens"/>) gets room to finish: a bounded whole reply may take up to its bound,
/// raised above the request if need be, and a reply with bounded spans may run past the request to close a span that is
/// open. Only the context caps either; a constrained reply that
/// reaches the end of the context unfinished (which needs a model that writes nearly the longest reply the limits admit
/// on a nearly full context) fails with a <see cref="PromptTooLongException"/> instead of ending cut off.
/// </summary>
/// <param name="Requested">The tokens after which the reply stops unless a span is open.</param>
/// <param name="Ceiling">The tokens the reply can never exceed; the generator is sized for them.</param>
/// <param name="Constraint">The constraint, when it is bounded.</param>
/// <param name="Room">The tokens the context leaves after the prompt.</param>
internal readonly record struct ReplyBudget(int Requested, int Ceiling, OutputConstraint? Constraint, int Room)
{
    public static ReplyBudget For(int? requested, int promptTokens, int contextLength, OutputConstraint? constraint)
    {
        int room = contextLength - promptTokens;
        int wanted = Math.Min(requested ?? room, room);
        if (constraint?.MaxTokens is not int bound)
        {
            return new ReplyBudget(wanted, wanted, null, room);
        }

        if (constraint.Span is null)
        {
            // A bounded reply ends within its bound whatever was asked.
            int ceiling = Math.Min(bound, room);
            return new ReplyBudget(ceiling, ceiling, constraint, room);
        }

        // Text stops where asked; a call open there runs on by up to one call's bound, within the context.
        return new ReplyBudget(wanted, Math.Min(wanted + bound, room), constraint, room);
    }

    /// <summary>Gets the bounded spans' delimiters, if any: the reply is then followed (<see cref="OpenSpanTracker"/>).</summary>
    public BoundedSpan? Span => Constraint?.Span;

    /// <summary>Whether the reply may take one more token, <paramref name="generated"/> taken so far and <paramref name="spans"/> following it.</summary>
    public bool AllowsMore(int generated, OpenSpanTracker? spans) =>
        generated < Ceiling && (generated < Requested || spans?.IsOpen == true);

    /// <summary>Throws when a reply that stopped at the limit stopped inside its constraint: the context ran out.</summary>
    /// <exception cref="PromptTooLongException">The reply reached the end of the context unfinished.</exception>
    public void ThrowIfCutShort(int generated, OpenSpanTracker? spans)
    {
        if (Constraint?.MaxTokens is int bound && generated >= Ceiling && (Span is null || spans?.IsOpen == true))
        {
            throw new PromptTooLongException(
                $"The model's context ended inside a constrained reply ({(Span is null ? "a JSON document or tool calls" : "a tool call")}) after {generated} tokens: " +
                $"the prompt left {Room} tokens, and the longest reply the structured-output limits admit is {bound}. " +
                "Shorten the conversation, or lower StructuredOutputLimits (MaxStringLength, MaxArrayItems, MaxObjectEntries, MaxToolCalls) or give the schema its own maxLength and maxItems.");
        }
    }
}
