Console.WriteLine("The agent example is being written.");
