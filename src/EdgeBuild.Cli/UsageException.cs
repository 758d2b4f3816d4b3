namespace EdgeBuild.Cli;

/// <summary>The command line itself is wrong (unknown option, missing value); exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
