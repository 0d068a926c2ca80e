namespace LocalAws.Models;

/// <summary>One constraint of the model that a request breaks, worded as AWS words it in a ValidationException.</summary>
/// <param name="Path">Where: member names in lower camel case as AWS reports them, map keys as given, list items by 1-based index.</param>
/// <param name="Value">The offending value as JSON text, or null when the member is missing.</param>
/// <param name="Constraint">What it fails, such as "Member must have length less than or equal to 512".</param>
public sealed record Violation(string Path, string? Value, string Constraint)
{
    public override string ToString() =>
        $"Value {(Value is null ? "null" : "'" + Cut(Value) + "'")} at '{Path}' failed to satisfy constraint: {Constraint}";

    // AWS echoes the value; a long one is cut here so a message stays readable.
    static string Cut(string value) => value.Length <= 200 ? value : value[..200] + "...";
}
