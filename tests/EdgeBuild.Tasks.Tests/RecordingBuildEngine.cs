using System.Collections;
using Microsoft.Build.Framework;

namespace EdgeBuild.Tasks.Tests;

/// <summary>The MSBuild engine seen by a task run in-process: records what the task logs.</summary>
internal sealed class RecordingBuildEngine(string projectFile) : IBuildEngine
{
    public List<BuildErrorEventArgs> Errors { get; } = [];
    public List<BuildWarningEventArgs> Warnings { get; } = [];
    public List<BuildMessageEventArgs> Messages { get; } = [];

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => projectFile;

    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);
    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);
    public void LogCustomEvent(CustomBuildEventArgs e) { }

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("EdgeBuild tasks never build other projects");

    public string AllText => string.Join("\n", Messages.Select(m => m.Message).Concat(Errors.Select(e => $"{e.File}: error {e.Code}: {e.Message}")));
}
