using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Remediation.Contracts;
using Remediator.Diagnosing;
using Remediator.Events;
using Remediator.Planning;
using Remediator.Tests.Support;

namespace Remediator.Tests.Diagnosing;

/// <summary>Random and hostile reason strings: never an exception, never an invalid host in a plan.</summary>
public class HostileReasonProperties
{
    // Pieces of real reasons, separators the regexes care about, and hostile text, glued at random.
    static readonly Gen<string> Fragment = Gen.OneOf(
        Gen.OneOf<string>(
            "mount.nfs4: Failed to resolve server ", "Failed to resolve \"", "\\\"", "\"", ":", ": ", " ", ".", "-", "\\n",
            "'", "b'", "fs-0705b30dbe1741990", ".efs.us-east-1.amazonaws.com", "us-east-1a.",
            "VolumeDriver.Create: mounting volume failed: ", "Name or service not known",
            "error while mounting volume '/var/lib/ecs/volumes/", "VolumeDriver.Mount: failed to mount volume v: mounting volume failed: ",
            "Post \"http://%2Frun%2Fdocker%2Fplugins%2Famazon-ecs-volume-plugin.sock/VolumeDriver.Mount\": context deadline exceeded",
            "mount.nfs4: Resource temporarily unavailable", "Mount attempt 1/3 failed due to timeout after 15 sec", "$(reboot)", "`id`", ";",
            "|", "&&", "\u0000", "\u001b[31m", "\uFFFD", "ボリューム", "\u202e", "lookup x on 127.0.0.1:53: no such host",
            new string('a', 64), new string('b', 250)),
        Gen.String,
        Gen.String.AlphaNumeric);

    /// <summary>A reason glued from fragments, then cut at a random byte length as the ECS agent cuts at 1024.</summary>
    static readonly Gen<string> Reason = Gen.Select(Fragment.Array[0, 16], Gen.Int[0, 1200], (parts, cut) =>
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(parts));
        return Encoding.UTF8.GetString(bytes, 0, Math.Min(cut, bytes.Length));
    });

    [Fact]
    public void Diagnose_AnyReason_NeverThrowsAndReportsOnlyValidHostsFromTheText()
    {
        Reason.Sample(reason =>
        {
            var diagnosis = Diagnoser.Diagnose(reason);

            if (diagnosis.Host is { } host)
            {
                Assert.True(DnsName.IsValid(host), host);
                Assert.Contains(host, reason, StringComparison.Ordinal);
            }
            if (diagnosis.FileSystemId is { } id)
            {
                Assert.NotNull(diagnosis.Host);
                Assert.Matches("^fs-[0-9a-f]{8,17}$", id);
                Assert.Contains(id + ".efs.", diagnosis.Host, StringComparison.Ordinal);
            }
            Assert.True(diagnosis.IsCandidate || diagnosis.Host is null);
        }, iter: 20_000);
    }

    [Fact]
    public void Plan_EventWithHostileFields_NeverThrowsAndActsOnlyOnValidatedValues()
    {
        var hostileArn = Gen.OneOf(
            Gen.OneOf<string>("arn:aws:ecs:us-east-1:111122223333:container-instance/prod/5d3c8f9e2b1a4c6d8e7f9a0b1c2d3e4f",
                "arn:aws:ecs:us-east-1:111122223333:task-definition/app:7", "family:app", "service:web",
                "ecs-dns-remediation/attempt-1", "ecs-dns-remediation/attempt-99999", "subnet-0a1b2c3d4e5f60718"),
            Fragment);
        var settings = RemediatorSettings.From(k => k == RemediatorEnvironment.SafeCapacityProvider ? "safe" : null);

        Gen.Select(Reason, hostileArn, hostileArn, Gen.Select(hostileArn, hostileArn, (a, b) => (a, b))).Sample((reason, instance, taskDefinition, rest) =>
        {
            var json = Corpus.Edited("failure/ec2-awsvpc-standalone.json", e =>
            {
                var detail = e["detail"]!;
                detail["stoppedReason"] = "mount.nfs4: Failed to resolve server " + reason;
                detail["containerInstanceArn"] = instance;
                detail["taskDefinitionArn"] = taskDefinition;
                detail["group"] = rest.a;
                detail["startedBy"] = rest.b;
                detail["attachments"]![0]!["details"]![0]!["value"] = rest.b;
            });

            var plan = Planner.Plan(EventParser.Parse(json), settings);
            _ = PlanDocument.From(plan).ToJson();

            foreach (var action in plan.Actions)
            {
                switch (action)
                {
                    case FixHost fix:
                        Assert.True(EcsNames.IsContainerInstanceArn(fix.ContainerInstanceArn));
                        Assert.True(fix.VerifyHost is null || DnsName.IsValid(fix.VerifyHost));
                        break;
                    case Reschedule r:
                        Assert.True(EcsNames.IsTaskDefinitionArn(r.TaskDefinitionArn));
                        Assert.True(EcsNames.IsGroup(r.Group));
                        Assert.False(EcsNames.IsServiceGroup(r.Group));
                        Assert.All(r.Subnets, s => Assert.True(EcsNames.IsSubnetId(s)));
                        Assert.Matches("^ecs-dns-remediation/attempt-[0-9]{1,3}$", r.StartedBy);
                        break;
                }
            }
        }, iter: 3_000);
    }

    [Fact]
    public void Parse_RandomJsonValues_NeverThrowOnWellFormedJson()
    {
        var value = Gen.OneOf<JsonNode?>(
            Gen.Const((JsonNode?)null),
            Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
            Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
            Gen.Const(() => (JsonNode?)new JsonArray(1, "x")));
        var field = Gen.OneOf<string>("source", "detail-type", "detail", "id", "lastStatus", "clusterArn", "containers",
            "attachments", "stoppedReason", "overrides", "version", "launchType", "group");

        Gen.Select(field, value, field, value).Sample((f1, v1, f2, v2) =>
        {
            var json = Corpus.Edited("failure/ec2-awsvpc-service.json", e =>
            {
                e["detail"]!.AsObject()[f2] = v2?.DeepClone();
                e[f1] = v1?.DeepClone();
            });

            var plan = Planner.Plan(EventParser.Parse(json), RemediatorSettings.Default);

            Assert.False(string.IsNullOrWhiteSpace(plan.Reason));
        }, iter: 3_000);
    }
}
