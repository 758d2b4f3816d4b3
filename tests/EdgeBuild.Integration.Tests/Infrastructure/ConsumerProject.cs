using System.Text;
using System.Text.RegularExpressions;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests.Infrastructure;

/// <summary>
/// A throwaway console app that references the packed EdgeBuild package, in its own folder under the
/// run's work folder (whose NuGet.config points at the feed).
/// </summary>
internal sealed partial class ConsumerProject
{
    private readonly PackageFeedFixture _feed;

    public string Directory { get; }

    public string Name { get; }

    public string ProjectFile => Path.Combine(Directory, Name + ".csproj");

    public string ItemXml { get; set; } = "";

    public string PropertiesXml { get; set; } = "";

    public ConsumerProject(PackageFeedFixture feed, string name, string? parent = null)
    {
        _feed = feed;
        Name = name;
        Directory = Path.Combine(parent ?? Path.Combine(feed.Work, name + "-" + Guid.NewGuid().ToString("N")[..6]), name);
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, "Program.cs"), "System.Console.WriteLine(\"no model used\");\n");
    }

    public string CopyDetector(string relativePath = "models/det.onnx") => CopyFile(TestAssets.Detector, relativePath);

    public string CopyFile(string source, string relativePath)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(source, path, overwrite: true);
        return path;
    }

    public string WriteFile(string relativePath, string text)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// Writes the project file only when its text changes: the project file is an input of CoreCompile, so rewriting
    /// it would turn every "no-op" build into a recompile.
    /// </summary>
    public void WriteProject()
    {
        var text = ProjectText();
        if (!File.Exists(ProjectFile) || File.ReadAllText(ProjectFile) != text) File.WriteAllText(ProjectFile, text);
    }

    private string ProjectText() => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <RootNamespace>{Name}</RootNamespace>
            <InvariantGlobalization>true</InvariantGlobalization>
        {PropertiesXml}
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="EdgeBuild" Version="{PackageFeedFixture.PackageVersion}" />
        {ItemXml}
          </ItemGroup>
        </Project>
        """;

    public string BinDirectory => Path.Combine(Directory, "bin", "Debug", "net10.0");

    public string EdgeBuildObjDirectory => Path.Combine(Directory, "obj", "Debug", "net10.0", "edgebuild");

    /// <summary>`dotnet build` (or another verb) with normal verbosity; errors are counted from an errors-only file log.</summary>
    public BuildResult Build(params string[] extraArgs) => Verb("build", extraArgs);

    public BuildResult Verb(string verb, params string[] extraArgs)
    {
        WriteProject();
        var errorsLog = Path.Combine(Directory, $"errors-{Guid.NewGuid():N}.log");
        string[] args = [verb, ProjectFile, "-nologo", "-v:n", "-clp:NoSummary", $"-flp1:LogFile={errorsLog};ErrorsOnly;DisableMPLogging", .. extraArgs];
        var result = Dotnet.Run(Directory, args, _feed.Environment);
        var errors = File.Exists(errorsLog) ? File.ReadAllLines(errorsLog).Where(l => l.Length > 0).ToList() : [];
        return new BuildResult(result.ExitCode, result.Output, errors, result.Elapsed);
    }

    public CommandResult RunApp(params string[] args) =>
        Dotnet.Run(Directory, [Path.Combine(BinDirectory, Name + ".dll"), .. args], _feed.Environment, TimeSpan.FromMinutes(2));
}

internal sealed partial record BuildResult(int ExitCode, string Output, IReadOnlyList<string> Errors, TimeSpan Elapsed)
{
    /// <summary>The optimize task logs this line (high importance) each time it starts the tool.</summary>
    public int ToolStarts => OptimizingLine().Matches(Output).Count;

    public BuildResult EnsureSuccess()
    {
        if (ExitCode != 0) throw new Xunit.Sdk.XunitException($"build failed ({ExitCode}):\n{string.Join("\n", Errors)}\n{CommandResult.Tail(Output)}");
        return this;
    }

    /// <summary>File and code of one line of the errors-only log (`  1:7>path(1,2): error CODE: message [project]`).</summary>
    public static (string File, string Code) ParseError(string line)
    {
        var m = ErrorLine().Match(line);
        if (!m.Success) throw new Xunit.Sdk.XunitException($"not an MSBuild error line: {line}");
        return (m.Groups["file"].Value.Trim(), m.Groups["code"].Value);
    }

    [GeneratedRegex(@"^\s*(?:\d+(?::\d+)?>)?(?<file>.*?)(?:\(\d+(?:,\d+)?\))?\s*:\s*error\s+(?<code>[A-Za-z]+\d+)\s*:", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorLine();

    public override string ToString() => new StringBuilder().AppendLine($"exit {ExitCode}").AppendJoin('\n', Errors).AppendLine().Append(CommandResult.Tail(Output)).ToString();

    [GeneratedRegex(@"EdgeBuild: optimizing ", RegexOptions.CultureInvariant)]
    private static partial Regex OptimizingLine();
}
