Console.Out.WriteLine("handled bare");
return 0;
