using EdgeBuild.Optimization;

namespace EdgeBuild.Cli.Commands;

/// <summary>
/// Turns failures of optimize/verify/bench into MSBuild-canonical diagnostics on stderr and exit codes
/// (docs/contracts.md section 2); nothing escapes as a stack trace.
/// </summary>
internal static class OptimizationErrors
{
    public static int Run(string subjectPath, TextWriter stderr, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (OptimizationInputException e)
        {
            stderr.WriteLine($"{e.FilePath}: error {e.Code}: {e.Problem}. {e.Fix}.");
            return ExitCodes.BadInput;
        }
        catch (AccuracyBudgetException e)
        {
            stderr.WriteLine($"{e.FilePath}: error EDGE0201: {e.Problem}. {e.Fix}.");
            foreach (var line in e.Details) stderr.WriteLine("  " + line);
            return ExitCodes.FailedCheck;
        }
        catch (NotSupportedException e)
        {
            stderr.WriteLine($"{subjectPath}: error EDGE0002: {e.Message.TrimEnd('.')}. See docs/optimization.md for what is supported.");
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            return UnexpectedError.Report(subjectPath, e, stderr);
        }
    }
}
