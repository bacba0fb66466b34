using System.Text.Json.Nodes;
using VisPruner.CopilotServer.Tests.Infrastructure;

namespace VisPruner.CopilotServer.Tests.Browser;

/// <summary>
/// The chat page in a real headless browser, on the trained demo model: drop the example scene, ask, see the answer
/// stream, the pruning figures and the kept-token overlay; drop an image the model cannot read and see the error.
/// </summary>
public sealed class ChatPageTests(TrainedModelServer fixture) : IClassFixture<TrainedModelServer>
{
    /// <summary>Where the screenshot goes (next to the tests; the README's copy is docs/copilot-server.png).</summary>
    public static string ScreenshotPath => Path.Combine(AppContext.BaseDirectory, "copilot-server.png");

    private static string Drop(byte[] bytes, string name, string type) => $$"""
        (() => {
          const bytes = Uint8Array.from(atob('{{Convert.ToBase64String(bytes)}}'), c => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], '{{name}}', { type: '{{type}}' }));
          document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        })()
        """;

    [Fact]
    public async Task Dropping_an_image_and_asking_streams_the_answer_with_figures_and_overlay_and_errors_are_shown()
    {
        await using HeadlessChromium browser = await HeadlessChromium.StartAsync(1280, 900);
        await browser.SendAsync("Page.enable");
        await browser.SendAsync("Page.navigate", new JsonObject { ["url"] = fixture.Server.BaseAddress.ToString() });
        await browser.WaitForAsync("document.body && document.body.dataset.ready === 'true'", TimeSpan.FromSeconds(30));
        Assert.Equal(TrainedModelServer.ModelName, (string?)await browser.EvaluateAsync("document.getElementById('model').value"));

        await browser.EvaluateAsync(Drop(TrainedModelServer.FashionScene, "fashion-scene.png", "image/png"));
        await browser.WaitForAsync("document.querySelector('#drop img')", TimeSpan.FromSeconds(10));
        await browser.EvaluateAsync("document.getElementById('send').click()");
        await browser.WaitForAsync("['done', 'error'].includes(document.body.dataset.state)", TimeSpan.FromSeconds(60));

        Assert.Equal("", (string?)await browser.EvaluateAsync("document.getElementById('error').textContent"));
        Assert.Equal("done", (string?)await browser.EvaluateAsync("document.body.dataset.state"));
        Assert.Equal("yellow", ((string?)await browser.EvaluateAsync("document.querySelector('.turn.assistant').textContent"))?.Trim());
        string figures = (string)(await browser.EvaluateAsync("document.getElementById('figures').innerText"))!;
        Assert.Contains("visual tokens kept", figures, StringComparison.Ordinal);
        Assert.Matches(@"\d+ of \d+ visual tokens kept", (string)(await browser.EvaluateAsync("document.getElementById('kept').textContent"))!);
        Assert.True((int)(await browser.EvaluateAsync("document.getElementById('overlay').naturalWidth"))! > 0);
        await File.WriteAllBytesAsync(ScreenshotPath, await browser.ScreenshotAsync());

        // A format the model cannot read: the server's 415 message is shown, not a blank page.
        await browser.EvaluateAsync(Drop([(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0], "scan.tiff", "image/tiff"));
        await browser.WaitForAsync("document.querySelector('#drop img') && document.querySelector('#drop img').alt === 'scan.tiff'", TimeSpan.FromSeconds(10));
        await browser.EvaluateAsync("document.getElementById('send').click()");
        await browser.WaitForAsync("document.body.dataset.state === 'error'", TimeSpan.FromSeconds(30));
        Assert.Contains("Image 1 of the request", (string?)await browser.EvaluateAsync("document.getElementById('error').textContent"), StringComparison.Ordinal);
    }
}
