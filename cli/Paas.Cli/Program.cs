Console.WriteLine("paas");
