using Remediator.Diagnosing;
using Remediator.Tests.Support;

namespace Remediator.Tests.Diagnosing;

public class DiagnoserTests
{
    const string Host = "fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com";

    // nfs-utils before 1.3.4 printed every getaddrinfo message here; since, every one but EAI_AGAIN's.
    static string VolumePlugin(string host, string message) =>
        $"Error response from daemon: create ecs-app-3-data-e4f0: VolumeDriver.Create: mounting volume failed: b'mount.nfs4: Failed to resolve server {host}: {message}'";

    [Theory]
    [InlineData("Name or service not known")]
    [InlineData("Temporary failure in name resolution")]
    [InlineData("No address associated with hostname")]
    [InlineData("System error")]
    public void Diagnose_VolumePluginForm_AnyGetaddrinfoMessage_FindsHostAndFileSystem(string message)
    {
        var diagnosis = Diagnoser.Diagnose(VolumePlugin(Host, message));

        Assert.Equal(DiagnosisKind.EfsMountFailure, diagnosis.Kind);
        Assert.Equal(SignatureForm.MountResolve, diagnosis.Form);
        Assert.Equal(Host, diagnosis.Host);
        Assert.Equal("fs-0705b30dbe1741990", diagnosis.FileSystemId);
    }

    [Fact]
    public void Diagnose_EfsUtilsForm_FindsHost()
    {
        var reason = "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve \"fs-0123456789abcdef0.efs.eu-west-1.amazonaws.com\" - check that your file system ID is correct";

        var diagnosis = Diagnoser.Diagnose(reason);

        Assert.Equal(SignatureForm.EfsUtilsResolve, diagnosis.Form);
        Assert.Equal("fs-0123456789abcdef0.efs.eu-west-1.amazonaws.com", diagnosis.Host);
        Assert.Equal("fs-0123456789abcdef0", diagnosis.FileSystemId);
    }

    [Theory]
    [InlineData("fs-0705b30dbe1741990")]
    [InlineData("fs-0705b30dbe1741990.efs.us-ea")]
    [InlineData("")]
    public void Diagnose_ReasonCutInsideTheHost_StillDiagnosesButReportsNoHost(string hostPrefix)
    {
        var reason = "Error response from daemon: create v: VolumeDriver.Create: mounting volume failed: b'mount.nfs4: Failed to resolve server " + hostPrefix;

        var diagnosis = Diagnoser.Diagnose(reason);

        Assert.True(diagnosis.IsCandidate);
        Assert.Null(diagnosis.Host);
        Assert.Null(diagnosis.FileSystemId);
    }

    [Fact]
    public void Diagnose_EfsUtilsFormCutBeforeClosingQuote_ReportsNoHost()
    {
        var diagnosis = Diagnoser.Diagnose("stderr: Failed to resolve \"fs-0123456789abcdef0.efs.eu-west-1.amazon");

        Assert.True(diagnosis.IsCandidate);
        Assert.Null(diagnosis.Host);
    }

    [Theory]
    [InlineData("$(reboot).efs.us-east-1.amazonaws.com")]
    [InlineData("fs-1;rm")]
    [InlineData("-fs.example.com")]
    [InlineData("fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com\u00a0x")]
    [InlineData("10.0.0.1")]
    [InlineData("xn--\u00e9.example.com")]
    [InlineData("a..b.example.com")]
    public void Diagnose_HostThatIsNotAValidDnsName_IsNeverReported(string host)
    {
        var diagnosis = Diagnoser.Diagnose(VolumePlugin(host, "Name or service not known"));

        Assert.True(diagnosis.IsCandidate);
        Assert.Null(diagnosis.Host);
    }

    [Fact]
    public void Diagnose_NonEfsHost_ReportsHostWithoutFileSystemId()
    {
        var diagnosis = Diagnoser.Diagnose(VolumePlugin("nfs.internal.example.com", "Name or service not known"));

        Assert.Equal("nfs.internal.example.com", diagnosis.Host);
        Assert.Null(diagnosis.FileSystemId);
    }

    [Fact]
    public void Diagnose_AvailabilityZoneEfsName_FindsFileSystemId()
    {
        var diagnosis = Diagnoser.Diagnose(VolumePlugin("us-east-1a.fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com", "Name or service not known"));

        Assert.Equal("fs-0705b30dbe1741990", diagnosis.FileSystemId);
    }

    [Theory]
    [InlineData("CannotPullContainerError: dial tcp: lookup 1234.dkr.ecr.us-east-1.amazonaws.com on 127.0.0.1:53: no such host")]
    [InlineData("ResourceInitializationError: unable to pull secrets: dial tcp: lookup secretsmanager.us-east-1.amazonaws.com: Temporary failure in name resolution")]
    public void Diagnose_OtherDnsFailure_IsNotTheMountSignature(string reason)
    {
        var diagnosis = Diagnoser.Diagnose(reason);

        Assert.False(diagnosis.IsCandidate);
        Assert.True(diagnosis.OtherDnsFailure);
    }

    [Theory]
    [InlineData("Essential container in task exited")]
    [InlineData("Task stopped by user")]
    [InlineData("")]
    public void Diagnose_HealthyStop_FindsNothing(string reason)
    {
        Assert.Equal(Diagnosis.None, Diagnoser.Diagnose(reason));
    }

    const string MountFailed = "Error response from daemon: create ecs-app-7-data-e4f0: VolumeDriver.Create: mounting volume failed: ";

    [Theory]
    [InlineData("b'mount.nfs4: Connection reset by peer'")]
    [InlineData("b'mount.nfs4: Connection timed out'")]
    [InlineData("b'mount.nfs4: Connection refused'")]
    public void Diagnose_EfsProxyForm_IsACandidateWithoutHost(string tail)
    {
        var diagnosis = Diagnoser.Diagnose(MountFailed + tail);

        Assert.True(diagnosis.IsCandidate);
        Assert.Equal(SignatureForm.ProxyConnection, diagnosis.Form);
        Assert.Null(diagnosis.Host);
    }

    [Theory]
    [InlineData("Failed to initialize tunnel for fs-0705b30dbe1741990, please check mount.log for the failure reason.")]
    [InlineData("Failed to initialize TLS tunnel for fs-0705b30dbe1741990, please check mount.log for the failure reason.")]
    public void Diagnose_TunnelForm_FindsFileSystemId(string tail)
    {
        var diagnosis = Diagnoser.Diagnose(MountFailed + tail);

        Assert.Equal(SignatureForm.Tunnel, diagnosis.Form);
        Assert.Equal("fs-0705b30dbe1741990", diagnosis.FileSystemId);
        Assert.Null(diagnosis.Host);
    }

    [Fact]
    public void Diagnose_ReasonCutBeforeMountNfs_IsACandidateFromEfsUtilsRetryWords()
    {
        var diagnosis = Diagnoser.Diagnose(MountFailed + "Mount attempt 1/3 failed due to timeout after 30 sec, wait 0 sec before next att");

        Assert.Equal(SignatureForm.EfsMount, diagnosis.Form);
    }

    [Theory]
    [InlineData("b'mount.nfs4: access denied by server while mounting 127.0.0.1:/'")]
    [InlineData("b'mount.nfs4: Permission denied'")]
    [InlineData("b'mount.nfs4: mounting fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com:/data failed, reason given by server: No such file or directory'")]
    public void Diagnose_ServerAnswered_IsNotACandidate(string tail)
    {
        var diagnosis = Diagnoser.Diagnose(MountFailed + tail);

        Assert.False(diagnosis.IsCandidate);
        Assert.True(diagnosis.ServerAnswered);
    }

    [Theory]
    [InlineData("Error response from daemon: create v: VolumeDriver.Create: rexray: unable to attach volume vol-0a1b2c3d4e5f60718: timed out")]
    [InlineData("Error response from daemon: create v: VolumeDriver.Create: Post http://%2Frun%2Fdocker%2Fplugins%2Fx.sock/VolumeDriver.Create: connection refused")]
    [InlineData("Connection reset by peer")]
    public void Diagnose_OtherVolumePluginOrNoMountContext_IsNotACandidate(string reason)
    {
        Assert.False(Diagnoser.Diagnose(reason).IsCandidate);
    }

    public static TheoryData<string, bool> CandidateShapes() => EachShape(ReasonForms.Candidates.Keys);

    /// <summary>Each label as a container's reason (false) and as the task's collapsed reason (true).</summary>
    static TheoryData<string, bool> EachShape(IEnumerable<string> labels)
    {
        var data = new TheoryData<string, bool>();
        foreach (var label in labels)
        {
            data.Add(label, false);
            data.Add(label, true);
        }
        return data;
    }

    static SignatureForm Named(string kebab) => Enum.Parse<SignatureForm>(kebab.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);

    [Theory]
    [MemberData(nameof(CandidateShapes))]
    public void Diagnose_CandidateForm_AsContainerOrCollapsedTaskReason_NamesItsForm(string label, bool collapsed)
    {
        var form = ReasonForms.Candidates[label];
        var reason = form.Reason(ReasonForms.VolumeName);

        var diagnosis = Diagnoser.Diagnose(collapsed ? ReasonForms.Collapsed(reason) : reason);

        Assert.True(diagnosis.IsCandidate, label);
        Assert.Equal(Named(form.Expected), diagnosis.Form);
    }

    [Theory]
    [MemberData(nameof(CandidateShapes))]
    public void Diagnose_CandidateFormCutAtAnyByteAfterThePluginIsNamed_StaysACandidate(string label, bool collapsed)
    {
        var reason = ReasonForms.Candidates[label].Reason(ReasonForms.VolumeName);
        if (collapsed) reason = ReasonForms.Collapsed(reason);
        var named = ReasonForms.PluginNamedAt(reason);
        Assert.True(named > 0, $"{label}: the form never names the ECS volume plugin");

        for (var length = named; length <= System.Text.Encoding.UTF8.GetByteCount(reason); length++)
        {
            var cut = ReasonForms.Cut(reason, length);
            Assert.True(Diagnoser.Diagnose(cut).IsCandidate, $"{label}, cut at {length}: {cut}");
        }
    }

    [Theory]
    [MemberData(nameof(CandidateShapes))]
    public void Diagnose_CandidateFormCutAt1024BytesAcrossACharacter_StaysACandidate(string label, bool collapsed)
    {
        var form = ReasonForms.Candidates[label].Reason;
        var reason = ReasonForms.CutInside(collapsed ? n => ReasonForms.Collapsed(form(n)) : form);

        Assert.EndsWith("\uFFFD", reason);
        Assert.True(Diagnoser.Diagnose(reason).IsCandidate, reason);
    }

    public static TheoryData<string, bool> OtherFailureShapes() => EachShape(ReasonForms.OtherFailures.Keys);

    [Theory]
    [MemberData(nameof(OtherFailureShapes))]
    public void Diagnose_OtherFailure_WholeOrCutAnywhere_IsNeverACandidate(string label, bool collapsed)
    {
        var reason = ReasonForms.OtherFailures[label];
        if (collapsed) reason = ReasonForms.Collapsed(reason);

        for (var length = 1; length <= System.Text.Encoding.UTF8.GetByteCount(reason); length++)
            Assert.False(Diagnoser.Diagnose(ReasonForms.Cut(reason, length)).IsCandidate, $"{label}, cut at {length}");
    }

    public static TheoryData<string, bool> ServerAnsweredShapes() => EachShape(ReasonForms.ServerAnswered.Keys);

    [Theory]
    [MemberData(nameof(ServerAnsweredShapes))]
    public void Diagnose_ServerAnsweredInTheCurrentForm_IsNotACandidate(string label, bool collapsed)
    {
        var reason = ReasonForms.ServerAnswered[label];

        var diagnosis = Diagnoser.Diagnose(collapsed ? ReasonForms.Collapsed(reason) : reason);

        Assert.False(diagnosis.IsCandidate);
        Assert.True(diagnosis.ServerAnswered);
    }
}
