using BenchmarkDotNet.Running;

// Run all benchmarks: dotnet run -c Release --project benchmarks/VisPruner.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
