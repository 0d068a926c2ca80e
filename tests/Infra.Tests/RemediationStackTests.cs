using Amazon.CDK;
using Amazon.CDK.Assertions;
using Infra;

namespace Infra.Tests;

public class RemediationStackTests
{
    [Fact]
    public void Synth_WithoutAccount_ProducesATemplate()
    {
        var app = new App();
        var stack = new RemediationStack(app, "Test");

        var template = Template.FromStack(stack);

        Assert.NotNull(template.ToJSON());
    }
}
