using System.Text;

namespace Remediator.Tests.Support;

/// <summary>
/// Stopped-task reasons built the way the parts that write them build them (the ECS agent and its ecs-init
/// volume plugin, Docker, efs-utils, nfs-utils), each step cited, so that tests judge the diagnosis against
/// the sources and not against its own patterns. Sources: aws/amazon-ecs-agent v1.105.0, moby/moby v29,
/// aws/efs-utils v3.2.0, nfs-utils 2.6.2 (run here) and utils/mount/stropts.c.
/// </summary>
public static class ReasonForms
{
    /// <summary>A volume name as the ECS agent gives a task's volume: ecs-{family}-{revision}-{volume}-{hex}.</summary>
    public const string VolumeName = "ecs-app-7-data-e4f0d1b2c3a4b5c6d701";

    public const string FileSystemHost = "fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com";

    /// <summary>ecs-init/volumes/ecs_volume_plugin.go, VolumeMountPathPrefix: where the plugin mounts every volume.</summary>
    const string EcsMountRoot = "/var/lib/ecs/volumes/";

    /// <summary>
    /// ecs-init ≥ 1.80 (amazon-ecs-agent #4053) mounts in Mount: "failed to mount volume %s: %w"
    /// (ecs_volume_plugin.go) around "mounting volume failed: %v" (ecs_volume_driver.go) around mount's stderr as
    /// is (efs_mount_helper.go, runCommand); moby's plugin client prefixes the method (pkg/plugins/errors.go,
    /// statusError) and wraps it in "error while mounting volume '%s'" (daemon/volume/mounts/mounts.go).
    /// </summary>
    public static string Mounting(string stderr, string name = VolumeName) =>
        $"CannotStartContainerError: Error response from daemon: error while mounting volume '{EcsMountRoot}{name}': VolumeDriver.Mount: failed to mount volume {name}: mounting volume failed: {stderr}";

    /// <summary>ecs-init before 1.80 mounted in Create; moby's volume service says "create %s: %v" (daemon/volume/service, OpErr).</summary>
    public static string Creating(string stderr, string name = VolumeName) =>
        $"CannotCreateContainerError: Error response from daemon: create {name}: VolumeDriver.Create: mounting volume failed: {stderr}";

    /// <summary>The URL host of a call to the ECS volume plugin (its socket, ecs-init/volumes/amazon-ecs-volume-plugin/plugin.go) before moby 24.0.5.</summary>
    public const string EcsPluginSocket = "%2Frun%2Fdocker%2Fplugins%2Famazon-ecs-volume-plugin.sock";

    /// <summary>The URL host of every local plugin call since moby 24.0.5 (pkg/plugins/client.go, dummyHost): it names no plugin.</summary>
    public const string LocalPluginHost = "plugin.moby.localhost";

    /// <summary>
    /// Docker abandons a Mount call after longTimeout, 2 minutes (daemon/volume/drivers/proxy.go); the error is Go's
    /// url.Error, "Post \"URL\": context deadline exceeded" (the URL quoted since Go 1.14).
    /// </summary>
    public static string MountTimedOut(string urlHost, string name = VolumeName, string mountRoot = EcsMountRoot) =>
        $"CannotStartContainerError: Error response from daemon: error while mounting volume '{mountRoot}{name}': Post \"http://{urlHost}/VolumeDriver.Mount\": context deadline exceeded";

    /// <summary>The Create form of the timeout, as amazon-ecs-agent#2570 reports it (Go before 1.14: the URL unquoted).</summary>
    public static string CreateTimedOut(string urlHost = EcsPluginSocket, string name = VolumeName) =>
        $"CannotCreateContainerError: Error response from daemon: create {name}: Post http://{urlHost}/VolumeDriver.Create: context deadline exceeded";

    /// <summary>nfs-utils (stropts.c, nfs_try_mount): any getaddrinfo error but EAI_AGAIN, at once (NXDOMAIN, run here).</summary>
    public static string NameNotKnown(string host = FileSystemHost) =>
        $"mount.nfs4: Failed to resolve server {host}: Name or service not known";

    /// <summary>nfs-utils 1.3.0 (Amazon Linux 2) added EALREADY's message after it: the seed's text.</summary>
    public static string NameNotKnownAl2(string host = FileSystemHost) =>
        NameNotKnown(host) + "\nmount.nfs4: Operation already in progress";

    /// <summary>nfs-utils ≥ 1.3.4 retries EAI_AGAIN for retry= minutes, then prints strerror(EAGAIN), no name (run here).</summary>
    public const string TemporaryFailure = "mount.nfs4: Resource temporarily unavailable";

    /// <summary>
    /// mount.efs (efs-utils mount_utils.py): a line per timed-out attempt ("Mount attempt %d/%d failed due to %s, wait
    /// %d sec before next attempt."), then mount.nfs4's stderr as Python bytes (fatal_error(err.strip())), b'...',
    /// whose repr shows a newline as the two characters \n.
    /// </summary>
    public static string MountEfs(string mountNfsStderr, int timedOutAttempts = 0) =>
        string.Concat(Enumerable.Range(1, timedOutAttempts).Select(i => $"Mount attempt {i}/3 failed due to timeout after 15 sec, wait 0 sec before next attempt.\n"))
        + $"b'{mountNfsStderr.Replace("\n", "\\n", StringComparison.Ordinal)}'\n";

    /// <summary>The task's stoppedReason: whitespace collapsed (agent/api/task/task.go, SetTerminalReason: strings.Fields, Join " ").</summary>
    public static string Collapsed(string reason) =>
        string.Join(' ', reason.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// Cut as the agent cuts a reason (ecs-agent/api/ecs/client/ecs_client.go, trimString: the first 1024 bytes, which
    /// may split a UTF-8 character); a split character arrives as U+FFFD, as Go's JSON encoder writes invalid UTF-8.
    /// </summary>
    public static string Cut(string reason, int bytes = 1024)
    {
        var utf8 = Encoding.UTF8.GetBytes(reason);
        return utf8.Length <= bytes ? reason : Encoding.UTF8.GetString(utf8, 0, bytes);
    }

    /// <summary>
    /// The reason of <paramref name="form"/> (a function of the volume name) with the name lengthened until the
    /// reason passes 1024 bytes by up to 24 bytes (no more than half of what follows the plugin's name), a three-byte
    /// character put across byte 1024, then cut: the cut falls inside the form's last words and splits that character.
    /// ECS names are ASCII; the character stands for any text a byte cut may split.
    /// </summary>
    public static string CutInside(Func<string, string> form)
    {
        var whole = form(VolumeName);
        var tail = Math.Min(24, (Encoding.UTF8.GetByteCount(whole) - PluginNamedAt(whole)) / 2);
        var name = VolumeName;
        while (Encoding.UTF8.GetByteCount(form(name)) < 1024 + tail) name = name.Insert(4, "x");
        var bytes = Encoding.UTF8.GetBytes(form(name));
        return Cut(Encoding.UTF8.GetString([.. bytes[..1022], .. Encoding.UTF8.GetBytes("ボ"), .. bytes[1022..]]));
    }

    /// <summary>efs-utils' own check (mount_efs/dns_resolver.py, throw_dns_resolve_failure_with_fallback_message).</summary>
    public static string EfsUtilsCannotResolve(string host = FileSystemHost) =>
        $"Failed to resolve \"{host}\" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID.\nSee https://docs.aws.amazon.com/console/efs/mount-dns-name for more detail.\n";

    /// <summary>efs-proxy or stunnel exited during the mount (efs_utils_common/proxy.py, test_tunnel_process).</summary>
    public const string TunnelFailed = "Failed to initialize tunnel for fs-0705b30dbe1741990, please check mount.log for the failure reason.\n";

    /// <summary>A reason form: the reason as a container has it (newlines kept), as a function of the volume name.</summary>
    public sealed record Form(Func<string, string> Reason, string Expected);

    /// <summary>Every candidate form, by a label that says where it comes from, with the form name the diagnosis should give.</summary>
    public static readonly IReadOnlyDictionary<string, Form> Candidates = new Dictionary<string, Form>
    {
        ["ecs-init 1.80+, mount.efs, nfs-utils NXDOMAIN"] = new(n => Mounting(MountEfs(NameNotKnown()), n), "mount-resolve"),
        ["ecs-init 1.80+, mount.nfs4 alone, NXDOMAIN"] = new(n => Mounting(NameNotKnown() + "\n", n), "mount-resolve"),
        ["ecs-init before 1.80, Amazon Linux 2 nfs-utils 1.3.0"] = new(n => Creating(MountEfs(NameNotKnownAl2()), n), "mount-resolve"),
        ["ecs-init 1.80+, EAI_AGAIN after mount.efs's timed-out attempts"] = new(n => Mounting(MountEfs(TemporaryFailure, 2), n), "mount-temporary-failure"),
        ["ecs-init 1.80+, mount.nfs4 alone, EAI_AGAIN"] = new(n => Mounting(TemporaryFailure + "\n", n), "mount-temporary-failure"),
        ["Docker's timeout, Mount, moby before 24.0.5"] = new(n => MountTimedOut(EcsPluginSocket, n), "plugin-timeout"),
        ["Docker's timeout, Mount, moby 24.0.5+"] = new(n => MountTimedOut(LocalPluginHost, n), "plugin-timeout"),
        ["Docker's timeout, Create (amazon-ecs-agent#2570)"] = new(n => CreateTimedOut(EcsPluginSocket, n), "plugin-timeout"),
        ["efs-proxy, mount.nfs4 reset"] = new(n => Mounting(MountEfs("mount.nfs4: Connection reset by peer", 2), n), "proxy-connection"),
        ["efs-proxy exited"] = new(n => Mounting(TunnelFailed, n), "tunnel"),
        ["efs-utils' own check"] = new(n => Mounting(EfsUtilsCannotResolve(), n), "efs-utils-resolve"),
        ["ecs-init, mount's exit status only"] = new(n => Creating("exit status 32", n), "efs-mount"),
    };

    /// <summary>Failures that are not candidates, whole or cut anywhere: another volume plugin, another DNS failure.</summary>
    public static readonly IReadOnlyDictionary<string, string> OtherFailures = new Dictionary<string, string>
    {
        ["another plugin's timeout, moby before 24.0.5"] = MountTimedOut("%2Frun%2Fdocker%2Fplugins%2F0e01019e145447192332d7a251a2e58877eedff5f2d1774555af462972134006%2Frexray.sock", VolumeName, "/var/lib/docker/plugins/0e01019e145447192332d7a251a2e58877eedff5f2d1774555af462972134006/propagated-mount/"),
        ["another plugin's timeout, moby 24.0.5+"] = MountTimedOut(LocalPluginHost, VolumeName, "/var/lib/docker/plugins/0e01019e145447192332d7a251a2e58877eedff5f2d1774555af462972134006/propagated-mount/"),
        ["another plugin's Create timeout"] = CreateTimedOut("%2Frun%2Fdocker%2Fplugins%2Fcloudstor.sock"),
        ["another plugin's own error"] = "CannotCreateContainerError: Error response from daemon: create vol1: VolumeDriver.Create: rexray: unable to attach volume vol-0a1b2c3d4e5f60718: timed out",
        ["the ECS volume plugin not running"] = "CannotCreateContainerError: Error response from daemon: create vol1: error looking up volume plugin amazon-ecs-volume-plugin: plugin \"amazon-ecs-volume-plugin\" not found",
        ["an image pull's DNS failure"] = "CannotPullContainerError: Error response from daemon: Get \"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/\": dial tcp: lookup 123456789012.dkr.ecr.us-east-1.amazonaws.com on 127.0.0.1:53: no such host",
    };

    /// <summary>ECS volume plugin failures after the EFS server answered, so its name resolved: not candidates when whole.</summary>
    public static readonly IReadOnlyDictionary<string, string> ServerAnswered = new Dictionary<string, string>
    {
        ["access denied"] = Mounting(MountEfs("mount.nfs4: access denied by server while mounting 127.0.0.1:/")),
        ["no such path"] = Mounting(MountEfs($"mount.nfs4: mounting {FileSystemHost}:/data failed, reason given by server: No such file or directory")),
    };

    /// <summary>
    /// Where the reason has first named the ECS volume plugin (the byte length of its text up to there), by what its
    /// sources print: the plugin's mount root, its socket's name, ecs-init's wrapper; -1 when it never does.
    /// </summary>
    public static int PluginNamedAt(string reason)
    {
        var ends = new[] { EcsMountRoot, "amazon-ecs-volume-plugin", "mounting volume failed" }
            .Select(name => (At: reason.IndexOf(name, StringComparison.Ordinal), name.Length))
            .Where(m => m.At >= 0)
            .Select(m => Encoding.UTF8.GetByteCount(reason[..(m.At + m.Length)]))
            .ToList();
        return ends.Count == 0 ? -1 : ends.Min();
    }
}
