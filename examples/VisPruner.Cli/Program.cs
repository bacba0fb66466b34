Console.WriteLine("VisPruner CLI");
