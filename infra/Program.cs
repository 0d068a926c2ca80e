using Amazon.CDK;
using Infra;
using Infra.Bundling;
using Infra.Configuration;
using Infra.Documents;
using Infra.Stacks;

try
{
    var app = new App();
    var root = RepositoryRoot.Find();
    var config = ConfigReader.Read(key => app.Node.TryGetContext(key), ContextKeys.Given(root));
    _ = AppStacks.Build(app, config, root, RemediatorCode.FromRepository(root));
    app.Synth();
    return 0;
}
catch (Exception e) when (e is ConfigException or HostScriptException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
