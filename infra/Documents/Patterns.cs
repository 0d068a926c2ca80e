namespace Infra.Documents;

/// <summary>allowedPattern values of the SSM document parameters (Java regular expressions, anchored).</summary>
public static class Patterns
{
    const string Octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

    /// <summary>An IPv4 literal, or an IPv6 literal without a zone id.</summary>
    public const string IpLiteral = "^((" + Octet + "\\.){3}" + Octet + "|[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7})$";

    /// <summary>A DNS name by the one rule (<see cref="DnsNames"/>, which hostscripts/hostlib.sh applies too), or empty.</summary>
    public const string DnsNameOrEmpty = "^(" + DnsNames.Body + ")?$";

    const string ArnPrefix = "arn:aws[a-z-]*:";

    public const string ClusterArn = "^" + ArnPrefix + "ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}$";

    public const string ContainerInstanceArn = "^" + ArnPrefix + "ecs:[a-z0-9-]+:[0-9]{12}:container-instance/([A-Za-z0-9_-]{1,255}/)?[A-Za-z0-9-]{1,64}$";

    public const string TaskDefinitionArnOrEmpty = "^(" + ArnPrefix + "ecs:[a-z0-9-]+:[0-9]{12}:task-definition/[A-Za-z0-9_-]{1,255}:[0-9]{1,10})?$";

    public const string RoleArn = "^" + ArnPrefix + "iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$";

    public const string TopicArn = "^" + ArnPrefix + "sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$";

    public const string CapacityProvider = "^[A-Za-z0-9_-]{1,255}$";

    public const string Group = "^((family|service):[A-Za-z0-9_-]{1,255})?$";

    public const string StartedBy = "^(" + AttemptMarker.Prefix + "[0-9]{1,3})?$";

    public const string Subnet = "^" + EcsNames.SubnetIdBody + "$";

    public const string SecurityGroup = "^sg-[0-9a-f]{8,17}$";

    public const string YesNo = "^(yes|no)$";
}
