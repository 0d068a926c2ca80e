using Amazon.CDK;
using Infra;

var app = new App();
_ = new RemediationStack(app, "EcsDnsRemediation", new StackProps
{
    Description = "ECS DNS remediation: detects awsvpc + EFS tasks that fail to resolve their file system behind a local DNS cache, and fixes the container instance",
});
app.Synth();
