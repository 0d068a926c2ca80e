namespace Remediator.Pipeline;

/// <summary>
/// SSM refused the start for one of its limits (too many executions running and queued, or the request rate) on
/// every attempt, and no attempt can have been applied: "later", not "refused". The claims stay (the container
/// instance's host fix remains this event's). The pipeline reports the event as skipped for <see cref="SkipCauses.Later"/>
/// and raises, so that the function puts it in the later queue (or, without one, fails the invocation for Lambda's retry).
/// </summary>
public sealed class StartLaterException(string message, Exception inner) : Exception(message, inner);
