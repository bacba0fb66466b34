using System.CommandLine;
using VisPruner.Cli.Bench;
using VisPruner.Cli.Chat;
using VisPruner.Cli.Evaluation;
using VisPruner.Cli.Scenes;
using VisPruner.Cli.SelectionDemo;

// vispruner: chat about images with a local vision-language model whose visual tokens are pruned.
RootCommand root = ChatCommand.Create();
root.Subcommands.Add(SelectionDemoCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ScenesCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
return await root.Parse(args).InvokeAsync();
