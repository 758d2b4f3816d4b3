namespace EdgeBuild.Cli;

/// <summary>
/// The last line of defence of every command: an exception nobody mapped to an EDGE code (a bug, or an input we do
/// not validate yet) becomes one canonical diagnostic naming the file, never a stack trace the MSBuild task would
/// turn into dozens of unreadable build errors. EDGE0299 means "our bug": the fuzzers count it as a crash.
/// Set EDGEBUILD_STACKTRACE=1 to also print the stack trace when reporting it.
/// </summary>
internal static class UnexpectedError
{
    public const string InternalErrorCode = DiagnosticCodes.Internal;

    public const string FileSystemCode = DiagnosticCodes.FileSystem;

    public static int Report(string subjectPath, Exception e, TextWriter stderr)
    {
        var message = OneLine(e.Message);
        if (e is IOException or UnauthorizedAccessException)
        {
            // Disk full, a read-only or locked output folder: the user's environment, not the model.
            stderr.WriteLine($"{subjectPath}: error {FileSystemCode}: cannot read or write a file ({message}). Check the paths, permissions and free disk space, then rerun.");
        }
        else
        {
            stderr.WriteLine($"{subjectPath}: error {InternalErrorCode}: EdgeBuild failed unexpectedly ({e.GetType().Name}: {message}). " +
                             "This is a bug in EdgeBuild: please report it with the model (rerun with EDGEBUILD_STACKTRACE=1 for details).");
        }

        if (Environment.GetEnvironmentVariable("EDGEBUILD_STACKTRACE") == "1") stderr.WriteLine(e.ToString());
        return ExitCodes.BadInput;
    }

    private static string OneLine(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}
