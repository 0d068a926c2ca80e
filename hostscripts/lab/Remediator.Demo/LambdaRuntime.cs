using System.Reflection;

namespace Remediator.Demo;

/// <summary>
/// Calls a .NET Lambda handler the way the managed runtime does: the handler string
/// "Assembly::Namespace.Type::Method" from the template, the type built once with its public parameterless
/// constructor (which reads the environment), and the method called with the event as a Stream.
/// </summary>
public sealed class LambdaRuntime
{
    readonly object instance;
    readonly MethodInfo method;

    LambdaRuntime(object instance, MethodInfo method)
    {
        this.instance = instance;
        this.method = method;
    }

    public static LambdaRuntime Load(string handler)
    {
        var parts = handler.Split("::");
        if (parts.Length != 3) throw new InvalidOperationException($"handler \"{handler}\" is not Assembly::Type::Method");
        var assembly = Assembly.Load(new AssemblyName(parts[0]));
        var type = assembly.GetType(parts[1]) ?? throw new InvalidOperationException($"handler {handler}: no type {parts[1]} in {parts[0]}");
        var method = type.GetMethod(parts[2], BindingFlags.Public | BindingFlags.Instance, [typeof(Stream)])
            ?? throw new InvalidOperationException($"handler {handler}: no public instance method {parts[2]}(Stream)");
        var constructor = type.GetConstructor(Type.EmptyTypes)
            ?? throw new InvalidOperationException($"handler {handler}: {parts[1]} has no public parameterless constructor for the runtime to call");
        try
        {
            return new LambdaRuntime(constructor.Invoke(null), method);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"the function's initialisation failed: {e.InnerException.Message}", e.InnerException);
        }
    }

    /// <summary>Invokes the handler with <paramref name="input"/> and returns the response text.</summary>
    public async Task<string> InvokeAsync(Stream input)
    {
        object? result;
        try
        {
            result = method.Invoke(instance, [input]);
            if (result is Task task)
            {
                await task.ConfigureAwait(false);
                result = task.GetType().GetProperty("Result")?.GetValue(task);
            }
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"the function raised: {e.InnerException.Message}", e.InnerException);
        }
        if (result is not Stream output) throw new InvalidOperationException("the handler returned no Stream");
        using var reader = new StreamReader(output);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
    }
}
