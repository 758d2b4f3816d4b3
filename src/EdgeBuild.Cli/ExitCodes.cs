namespace EdgeBuild.Cli;

/// <summary>The CLI's exit codes, a contract the MSBuild task and CI scripts rely on.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A check failed: accuracy below budget, size or memory over budget.</summary>
    public const int FailedCheck = 1;

    /// <summary>Bad input or usage: unreadable model, unknown target, bad option value.</summary>
    public const int BadInput = 2;
}
