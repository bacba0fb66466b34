using System.CommandLine;
using VisPruner.Cli.Bench;
using VisPruner.Cli.Chat;
using VisPruner.Cli.Evaluation;

// vispruner: ask about images with a local vision-language model whose visual tokens are pruned by VisPruner.
// The default command is chat (Chat/); eval measures what pruning costs in answers, bench what it buys in speed.
RootCommand root = ChatCommand.Create();
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return await root.Parse(args).InvokeAsync();
