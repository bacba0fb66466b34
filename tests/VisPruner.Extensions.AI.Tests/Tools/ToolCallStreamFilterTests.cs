using System.Text;
using VisPruner.Engine.Generation;
using VisPruner.Extensions.AI.Tools;

namespace VisPruner.Extensions.AI.Tests.Tools;

public sealed class ToolCallStreamFilterTests
{
    private static readonly ToolCallMarkup Markup = new("<tool_call>", "</tool_call>");

    [Theory]
    [InlineData("Plain answer without calls.", "Plain answer without calls.", "")]
    [InlineData("Checking. <tool_call>{\"name\": \"f\"}</tool_call>", "Checking. ", "<tool_call>{\"name\": \"f\"}</tool_call>")]
    [InlineData("a < b and <tool is not a call", "a < b and <tool is not a call", "")]
    [InlineData("ends with a partial marker <tool_ca", "ends with a partial marker <tool_ca", "")]
    [InlineData("<tool_call>", "", "<tool_call>")]
    [InlineData("<<tool_call>x", "<", "<tool_call>x")]
    public void Text_before_the_first_call_is_shown_and_the_rest_is_held(string reply, string shown, string held)
    {
        // Every split into two pieces must give the same result as the whole reply.
        for (int split = 0; split <= reply.Length; split++)
        {
            var filter = new ToolCallStreamFilter(Markup);
            string text = filter.Push(new GenerationUpdate(reply[..split])) + filter.Push(new GenerationUpdate(reply[split..]));
            (string rest, IReadOnlyList<GenerationUpdate> markup) = filter.Complete();
            Assert.Equal(shown, text + rest);
            Assert.Equal(held, Text(markup));
        }
    }

    [Fact]
    public void Random_piece_boundaries_never_leak_markup_and_lose_nothing()
    {
        string[] fragments = ["The cat", " <tool", "_call>", "<", "tool_call>", "{\"name\": \"f\"}", "</tool_call>", "<tool_c", " sits", "\n", "<t"];
        var random = new Random(20241201);
        for (int run = 0; run < 3000; run++)
        {
            var reply = new StringBuilder();
            for (int i = random.Next(1, 9); i > 0; i--)
            {
                reply.Append(fragments[random.Next(fragments.Length)]);
            }

            string whole = reply.ToString();
            var filter = new ToolCallStreamFilter(Markup);
            var shown = new StringBuilder();
            for (int position = 0; position < whole.Length;)
            {
                int length = Math.Min(random.Next(1, 6), whole.Length - position);
                string piece = filter.Push(new GenerationUpdate(whole.Substring(position, length)));
                Assert.DoesNotContain("<tool_call>", shown.Append(piece).ToString(), StringComparison.Ordinal);
                position += length;
            }

            (string rest, IReadOnlyList<GenerationUpdate> markup) = filter.Complete();
            shown.Append(rest);
            int open = whole.IndexOf("<tool_call>", StringComparison.Ordinal);
            Assert.Equal(open < 0 ? whole : whole[..open], shown.ToString());
            Assert.Equal(open < 0 ? string.Empty : whole[open..], Text(markup));
        }
    }

    private static string Text(IReadOnlyList<GenerationUpdate> updates) => string.Concat(updates.Select(u => u.Text));
}
