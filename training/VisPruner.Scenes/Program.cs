using System.CommandLine;
using VisPruner.Scenes;
using VisPruner.Scenes.SelectionDemo;

// The demo model's data tooling: the Fashion-MNIST scene sets it is trained and evaluated on, and the selectors alone.
var root = new RootCommand("Fashion-MNIST scene sets for training and evaluating the demo model, and a token-selection demo.")
{
    ScenesCommand.Create(),
    SelectionDemoCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
