using EdgeBuild.Cli;

return CommandRunner.Run(args, new CliConsole(Console.Out, Console.Error, StderrIsTerminal: !Console.IsErrorRedirected, ShowProgress: true));
