using Remediator;

// As the managed runtime does: one Function per process (settings and clients from the environment),
// then the first event. The last line tells the parent the event was handled.
var function = new Function();
await using var input = File.OpenRead(args[0]);
await using var response = await function.Handle(input);
using var reader = new StreamReader(response);
Console.Out.WriteLine("handled " + await reader.ReadToEndAsync());
return 0;
