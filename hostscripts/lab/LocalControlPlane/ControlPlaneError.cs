namespace LocalControlPlane;

/// <summary>
/// An error the way an AWS API names it (the error code SSM or ECS would answer, such as
/// InvalidAutomationExecutionParametersException), with a one-line message.
/// </summary>
public sealed class ControlPlaneError(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>A synthesized cloud assembly or template the control plane cannot read; the message names the file and the cause.</summary>
public sealed class CloudAssemblyException(string message) : Exception(message);
