// A local copilot: OpenAI's Chat Completions API (and a chat page) over a local multimodal model with VisPruner
// pruning. Listens on 127.0.0.1:5117 unless --urls says otherwise; see README.md.
using VisPruner.CopilotServer;

CopilotApp.Build(args).Run();
