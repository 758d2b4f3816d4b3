using EdgeBuild.Cli;

return CommandRunner.Run(args, Console.Out, Console.Error);
