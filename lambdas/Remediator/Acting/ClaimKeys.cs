using System.Security.Cryptography;
using System.Text;
using Remediation.Contracts;
using Remediator.Planning;

namespace Remediator.Acting;

/// <summary>The claims table's keys and the SSM client token derived from an event's key.</summary>
public static class ClaimKeys
{
    /// <summary>
    /// <c>event#&lt;taskArn&gt;</c>: a task stops once, so every STOPPED event of it is one event to act on, whatever its
    /// event id or detail.version (ECS may send more than one STOPPED version of a task). An event without a valid
    /// task ARN (never seen from ECS) falls back to a hash of its event id.
    /// </summary>
    public static string Event(Plan plan) =>
        EcsNames.IsTaskArn(plan.TaskArn)
            ? $"event#{plan.TaskArn}"
            : "event#id#" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plan.EventId ?? "")));

    public static string Instance(string containerInstanceArn) => "instance#" + containerInstanceArn;

    /// <summary>
    /// A UUID derived from the event key (name-based, SHA-256, version and variant bits set as RFC 9562's
    /// version 8): the same event always starts its execution with the same ClientToken.
    /// </summary>
    public static string ClientToken(string eventKey)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("ecs-dns-remediation:" + eventKey), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString("D");
    }
}
