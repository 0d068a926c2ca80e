using LocalControlPlane.Actions;
using LocalControlPlane.Automation;
using LocalControlPlane.Documents;
using LocalControlPlane.Ecs;
using LocalControlPlane.Sns;

namespace LocalControlPlane;

/// <summary>
/// The pieces wired together: the documents from cdk.out, the local ECS and SNS, Run Command through an
/// instance shell, and the Automation executor with every step type the control plane runs.
/// </summary>
public sealed class ControlPlane
{
    public required DocumentCatalog Catalog { get; init; }

    public required LocalEcs Ecs { get; init; }

    public required LocalSns Sns { get; init; }

    public required CommandRunner Commands { get; init; }

    public required AutomationExecutor Executor { get; init; }

    public static ControlPlane Create(DocumentCatalog catalog, Func<ITaskLauncher, LocalEcs> ecs, ITaskLauncher launcher, IInstanceShell shell,
        TextWriter? timeline = null, TimeProvider? clock = null)
    {
        var localEcs = ecs(launcher);
        var sns = new LocalSns(catalog.TopicArns, timeline);
        var commands = new CommandRunner(catalog, shell, timeline);
        IStepAction[] actions =
        [
            new BranchAction(),
            new SleepAction(clock),
            new ExecuteAwsApiAction([localEcs, sns]),
            new RunCommandAction(commands),
        ];
        return new ControlPlane
        {
            Catalog = catalog,
            Ecs = localEcs,
            Sns = sns,
            Commands = commands,
            Executor = new AutomationExecutor(catalog, actions, timeline, clock),
        };
    }
}
