using System.Text.Json;
using System.Text.Json.Nodes;
using Remediator.Tests.Support;

namespace Remediator.Tests.Cli;

/// <summary>
/// Each failure form through the real plan command, in each shape a reason reaches an event: a container's reason
/// with its newlines, the task's stoppedReason with whitespace collapsed, and either cut at 1024 bytes.
/// </summary>
public class PlanCliFormTests
{
    public enum Shape { ContainerReason, TaskReason, ContainerReasonCut, TaskReasonCut }

    /// <summary>An EC2 awsvpc task's stop event whose only failure is <paramref name="reason"/>, where <paramref name="shape"/> puts it.</summary>
    static string Event(string reason, Shape shape)
    {
        var task = shape is Shape.TaskReason or Shape.TaskReasonCut;
        var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e =>
        {
            var detail = e["detail"]!;
            detail["stoppedReason"] = task ? reason : "Task failed to start";
            detail["containers"]![0]!["reason"] = task ? null : reason;
        });
        return System.Text.Encoding.UTF8.GetString(json);
    }

    static string Shaped(Func<string, string> form, Shape shape) => shape switch
    {
        Shape.ContainerReason => form(ReasonForms.VolumeName),
        Shape.TaskReason => ReasonForms.Collapsed(form(ReasonForms.VolumeName)),
        Shape.ContainerReasonCut => ReasonForms.CutInside(form),
        Shape.TaskReasonCut => ReasonForms.CutInside(n => ReasonForms.Collapsed(form(n))),
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    static async Task<JsonElement> PlanAsync(string @event)
    {
        var result = await CliProcess.RunAsync(@event, "plan", "-");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.Clone();
    }

    static TheoryData<string, Shape> Each(IEnumerable<string> labels, params Shape[] shapes)
    {
        var data = new TheoryData<string, Shape>();
        foreach (var label in labels)
            foreach (var shape in shapes)
                data.Add(label, shape);
        return data;
    }

    public static TheoryData<string, Shape> Candidates() => Each(ReasonForms.Candidates.Keys, Enum.GetValues<Shape>());

    [Theory]
    [MemberData(nameof(Candidates))]
    public async Task Plan_CandidateFormInAnyShape_RemediatesWithAHostFix(string label, Shape shape)
    {
        var form = ReasonForms.Candidates[label];

        var plan = await PlanAsync(Event(Shaped(form.Reason, shape), shape));

        Assert.Equal("remediate", plan.GetProperty("decision").GetString());
        Assert.Equal("fix-host", Assert.Single(plan.GetProperty("actions").EnumerateArray()).GetProperty("type").GetString());
        if (shape is Shape.ContainerReason or Shape.TaskReason)
            Assert.Equal(form.Expected, plan.GetProperty("diagnosis").GetProperty("form").GetString());
    }

    public static TheoryData<string, Shape> NotCandidates() =>
        Each(ReasonForms.OtherFailures.Keys.Concat(ReasonForms.ServerAnswered.Keys), Shape.ContainerReason, Shape.TaskReason);

    [Theory]
    [MemberData(nameof(NotCandidates))]
    public async Task Plan_NotACandidate_IgnoresWithoutActions(string label, Shape shape)
    {
        var reason = ReasonForms.OtherFailures.TryGetValue(label, out var other) ? other : ReasonForms.ServerAnswered[label];
        if (shape == Shape.TaskReason) reason = ReasonForms.Collapsed(reason);

        var plan = await PlanAsync(Event(reason, shape));

        Assert.Equal("ignore", plan.GetProperty("decision").GetString());
        Assert.Empty(plan.GetProperty("actions").EnumerateArray());
    }
}
