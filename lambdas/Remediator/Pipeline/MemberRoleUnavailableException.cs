namespace Remediator.Pipeline;

/// <summary>
/// The member access role of the event's account cannot be assumed (not deployed there yet, trust changed, STS
/// unavailable): nothing was started. The pipeline reports the plan as a notify and raises, so that the
/// asynchronous retry and then the failure queue keep the event.
/// </summary>
public sealed class MemberRoleUnavailableException(string message, Exception inner) : Exception(message, inner);
