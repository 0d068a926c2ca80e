using System.Text.Json.Nodes;
using LocalControlPlane.Documents;

namespace LocalControlPlane.Automation;

/// <summary>
/// An Automation document checked the way SSM checks it at creation: schemaVersion 0.3, unique step names,
/// every nextStep / onFailure step / branch target naming a step, and (locally) every action one the control
/// plane can run: a step type it cannot run is an error before anything runs, never a skipped step.
/// </summary>
public sealed record AutomationRunbook
{
    public required SsmDocument Document { get; init; }

    public required IReadOnlyList<AutomationStep> Steps { get; init; }

    public int IndexOf(string stepName)
    {
        for (var i = 0; i < Steps.Count; i++)
            if (Steps[i].Name == stepName) return i;
        throw new ControlPlaneError("InvalidDocumentContent", $"{Document.Name}: no step named {stepName}");
    }

    public static AutomationRunbook From(SsmDocument document, IReadOnlySet<string> supportedActions)
    {
        if (document.SchemaVersion != "0.3")
            throw new ControlPlaneError("InvalidDocumentSchemaVersion", $"{document.Name}: Automation documents have schemaVersion 0.3, not \"{document.SchemaVersion}\"");
        var steps = (document.Content["mainSteps"] as JsonArray ?? throw new ControlPlaneError("InvalidDocumentContent", $"{document.Name}: no mainSteps"))
            .Select(s => AutomationStep.From(s as JsonObject ?? throw new ControlPlaneError("InvalidDocumentContent", $"{document.Name}: a step is not an object"), document.Name))
            .ToArray();
        if (steps.Length == 0) throw new ControlPlaneError("InvalidDocumentContent", $"{document.Name}: mainSteps is empty");

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            if (!names.Add(step.Name)) throw new ControlPlaneError("InvalidDocumentContent", $"{document.Name}: two steps are named {step.Name}");
            if (!supportedActions.Contains(step.Action))
                throw new ControlPlaneError("InvalidDocumentContent", $"{document.Name}: step {step.Name} uses {step.Action}, a step type the local control plane does not run");
        }
        void Target(AutomationStep step, string? target, string what)
        {
            if (target is not null && !names.Contains(target))
                throw new ControlPlaneError("InvalidDocumentContent", $"{document.Name}: step {step.Name} {what} {target}, which is not a step");
        }
        foreach (var step in steps)
        {
            Target(step, step.NextStep, "has nextStep");
            if (step.OnFailure.StartsWith("step:", StringComparison.Ordinal)) Target(step, step.OnFailure[5..], "has onFailure");
            else if (step.OnFailure is not ("Abort" or "Continue"))
                throw new ControlPlaneError("InvalidDocumentContent", $"{document.Name}: step {step.Name} has onFailure {step.OnFailure}; expected Abort, Continue or step:NAME");
            if (step.Action == "aws:branch")
            {
                Target(step, step.Inputs["Default"]?.GetValue<string>(), "has Default");
                foreach (var choice in step.Inputs["Choices"] as JsonArray ?? [])
                    Target(step, choice?["NextStep"]?.GetValue<string>() ?? throw new ControlPlaneError("InvalidDocumentContent", $"{document.Name}: a choice of {step.Name} has no NextStep"), "has a choice to");
            }
        }
        return new AutomationRunbook { Document = document, Steps = steps };
    }
}
