namespace EdgeBuild.Tests.Shared;

/// <summary>
/// A long or heavy test that runs only when <c>VARIABLE=1</c> is set. Without it xunit reports the test as
/// skipped, with the variable that enables it as the reason, instead of counting an early return as passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OptInFactAttribute : FactAttribute
{
    public OptInFactAttribute(string variable, string what)
    {
        Variable = variable;
        if (!IsEnabled(variable)) Skip = $"opt-in: set {variable}=1 to run ({what})";
    }

    public string Variable { get; }

    public static bool IsEnabled(string variable) => Environment.GetEnvironmentVariable(variable) == "1";
}
