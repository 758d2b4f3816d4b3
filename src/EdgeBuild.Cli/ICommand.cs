namespace EdgeBuild.Cli;

/// <summary>One `edgebuild` verb. Commands are listed in <see cref="CommandRunner"/>.</summary>
public interface ICommand
{
    string Name { get; }

    /// <summary>One line for `edgebuild --help`.</summary>
    string Summary { get; }

    /// <summary>Full usage text printed for `edgebuild NAME --help` and after a usage error.</summary>
    string Usage { get; }

    int Run(CommandArguments args, TextWriter stdout, TextWriter stderr);
}
