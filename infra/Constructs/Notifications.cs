using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Constructs;

namespace Infra.Constructs;

/// <summary>
/// The operators' notification topic: encrypted with a customer managed key, TLS only, and open to this
/// account's CloudWatch alarms and EventBridge rules.
/// </summary>
public sealed class Notifications : Construct
{
    public Topic Topic { get; }

    public Key Key { get; }

    public Notifications(Construct scope, string id, NotificationsProps props) : base(scope, id)
    {
        var stack = Stack.Of(this);
        // A customer managed key: CloudWatch alarms and EventBridge cannot publish to a topic under the AWS managed SNS key.
        Key = new Key(this, "Key", new KeyProps
        {
            Description = "ECS DNS remediation notification topic",
            EnableKeyRotation = true,
        });
        Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AlarmsPublish",
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object> { ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = stack.Account } },
        }));
        // No source condition: the SNS Developer Guide (Key management, "Enable compatibility between event sources
        // from AWS services and encrypted topics", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html)
        // does not support one for EventBridge to encrypted topics, and with one every rule's delivery fails. The
        // key serves this topic alone, and the topic policy still decides which rules may publish.
        Key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "EventsPublish",
            Principals = [new ServicePrincipal("events.amazonaws.com")],
            Actions = ["kms:Decrypt", "kms:GenerateDataKey"],
            Resources = ["*"],
        }));

        Topic = new Topic(this, "Topic", new TopicProps
        {
            DisplayName = "ECS DNS remediation",
            MasterKey = Key,
            EnforceSSL = true,
        });
        // A topic policy replaces SNS's default one, which is what lets CloudWatch alarms publish; EventBridge
        // targets add their own statement, the alarm actions add none. Held to this account's alarms.
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AlarmsPublish",
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Actions = ["sns:Publish"],
            Resources = [Topic.TopicArn],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = stack.Account },
                ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = stack.FormatArn(new ArnComponents
                {
                    Service = "cloudwatch",
                    Resource = "alarm",
                    ResourceName = "*",
                    ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
                }) },
            },
        }));
        if (props.Email.Length > 0)
            Topic.AddSubscription(new EmailSubscription(props.Email));
    }
}
