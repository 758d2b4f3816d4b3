using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace EdgeBuild.Tasks;

/// <summary>
/// Checks every EdgeModel item before any tool starts and computes what the later targets need:
/// output paths, the list of input files (model, external data, calibration and validation
/// samples, profile, options stamp) and the options stamp itself. Each problem is reported once,
/// with an EDGE04xx code, the project file, the model and the fix.
/// </summary>
public sealed class ResolveEdgeModels : Task
{
    [Required] public ITaskItem[] Models { get; set; } = [];

    /// <summary>The project folder; relative item paths and data patterns are resolved against it.</summary>
    [Required] public string ProjectDirectory { get; set; } = "";

    /// <summary>The project file, where diagnostics about item metadata point.</summary>
    [Required] public string ProjectFile { get; set; } = "";

    /// <summary>Full path of the folder the optimized model, manifest, report and stamp go to.</summary>
    [Required] public string IntermediateDirectory { get; set; } = "";

    public string RootNamespace { get; set; } = "";

    /// <summary>$(EdgeBuildMinSqnrDb): the SQNR budget of items that don't set MinSqnrDb.</summary>
    public string DefaultMinSqnrDb { get; set; } = "";

    /// <summary>The edgebuild tool's assembly; its folder's files are part of the options stamp, so a package update re-optimizes.</summary>
    public string ToolAssembly { get; set; } = "";

    [Output] public ITaskItem[] ResolvedModels { get; private set; } = [];

    public override bool Execute()
    {
        var resolved = new List<ITaskItem>();
        var classNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in Models)
        {
            var item = Resolve(model);
            if (item is null) continue;

            var className = item.GetMetadata(EdgeModelMetadata.ClassName);
            if (classNames.TryGetValue(className, out var other))
            {
                Error(EdgeBuildDiagnostics.DuplicateClassName,
                    $"EdgeModel '{model.ItemSpec}' and EdgeModel '{other}' both produce class '{className}'. Give one of them a distinct ClassName=\"...\"");
                continue;
            }

            classNames[className] = model.ItemSpec;
            resolved.Add(item);
        }

        ResolvedModels = resolved.ToArray();
        return !Log.HasLoggedErrors;
    }

    private ITaskItem? Resolve(ITaskItem model)
    {
        var errorsBefore = ErrorCount;
        var spec = model.ItemSpec;
        var sourcePath = FullPath(spec);
        if (!File.Exists(sourcePath))
            Error(EdgeBuildDiagnostics.ModelNotFound, $"EdgeModel '{spec}': the model file '{sourcePath}' does not exist. Fix the Include path or restore the file");

        var target = Meta(model, EdgeModelMetadata.Target);
        if (target.Length == 0)
            Error(EdgeBuildDiagnostics.TargetMissing, $"EdgeModel '{spec}' has no TargetDevice. Add TargetDevice=\"rpi5\" (or another id from `edgebuild profiles`) to the item");

        var precision = Meta(model, EdgeModelMetadata.Precision).ToLowerInvariant();
        if (precision.Length == 0) precision = "auto";
        if (!Precisions.IsKnown(precision))
            Error(EdgeBuildDiagnostics.BadPrecision, $"EdgeModel '{spec}' has Precision=\"{Meta(model, EdgeModelMetadata.Precision)}\", which is not one of {Precisions.List}. Use one of those values");

        var className = Meta(model, EdgeModelMetadata.ClassName);
        if (className.Length == 0)
        {
            className = PascalCase.ClassNameForFile(Path.GetFileNameWithoutExtension(spec));
            if (CSharpNames.ClassNameProblem(className) is { } problem)
                Error(EdgeBuildDiagnostics.BadMetadataValue, $"EdgeModel '{spec}' gets the class name '{className}' from its file name, which {problem}. Set ClassName=\"...\" on the item");
        }
        else if (CSharpNames.ClassNameProblem(className) is { } problem)
        {
            Error(EdgeBuildDiagnostics.BadMetadataValue, $"EdgeModel '{spec}' has ClassName=\"{className}\", which {problem}");
        }

        var ns = Meta(model, EdgeModelMetadata.Namespace);
        if (ns.Length == 0) ns = RootNamespace.Length > 0 ? RootNamespace : "EdgeModels";
        else if (!CSharpNames.IsNamespace(ns))
            BadValue(spec, EdgeModelMetadata.Namespace, ns, "a C# namespace such as MyApp.Models");

        var dims = Meta(model, EdgeModelMetadata.Dims);
        if (dims.Length > 0 && !DimsAreValid(dims))
            BadValue(spec, EdgeModelMetadata.Dims, dims, "NAME=VALUE pairs separated by ';' with positive integer values, e.g. N=1;H=640;W=640");

        var minSqnr = Meta(model, EdgeModelMetadata.MinSqnrDb);
        if (minSqnr.Length == 0) minSqnr = DefaultMinSqnrDb.Trim();
        if (minSqnr.Length > 0 && !double.TryParse(minSqnr, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            BadValue(spec, EdgeModelMetadata.MinSqnrDb, minSqnr, "a number of decibels such as 30");

        // The optimizer's own parser (linked source): the item is checked at evaluation, not after minutes of calibration.
        var accuracy = Meta(model, EdgeModelMetadata.Accuracy);
        try
        {
            AccuracyMetrics.Parse(accuracy);
        }
        catch (AccuracySpecException e)
        {
            Error(EdgeBuildDiagnostics.BadMetadataValue, $"EdgeModel '{spec}' has {EdgeModelMetadata.Accuracy}=\"{accuracy}\", which is not valid: {e.Message} (syntax: {AccuracyMetrics.Syntax})");
        }

        var fallbackAttempts = Meta(model, EdgeModelMetadata.FallbackAttempts);
        if (fallbackAttempts.Length > 0 && !(int.TryParse(fallbackAttempts, NumberStyles.None, CultureInfo.InvariantCulture, out var attempts) && attempts > 0))
            BadValue(spec, EdgeModelMetadata.FallbackAttempts, fallbackAttempts, "a positive whole number of attempts such as 50");

        var fallbackTime = Meta(model, EdgeModelMetadata.FallbackTimeBudget);
        if (fallbackTime.Length > 0 && !(double.TryParse(fallbackTime, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds > 0))
            BadValue(spec, EdgeModelMetadata.FallbackTimeBudget, fallbackTime, "a positive number of seconds such as 300");

        var embedText = Meta(model, EdgeModelMetadata.Embed);
        var embed = false;
        if (embedText.Length > 0 && !bool.TryParse(embedText, out embed))
            BadValue(spec, EdgeModelMetadata.Embed, embedText, "true or false");

        var externalText = Meta(model, EdgeModelMetadata.ExternalData);
        var external = false;
        if (externalText.Length > 0 && !bool.TryParse(externalText, out external))
            BadValue(spec, EdgeModelMetadata.ExternalData, externalText, "true or false");
        if (embed && external)
            Error(EdgeBuildDiagnostics.BadMetadataValue, $"EdgeModel '{spec}' has Embed=\"true\" and ExternalData=\"true\": an embedded model cannot keep its weights in a separate file. Drop one of them");

        var profile = Meta(model, EdgeModelMetadata.Profile);
        var profilePath = profile.Length == 0 ? "" : FullPath(profile);
        if (profile.Length > 0 && !File.Exists(profilePath))
            Error(EdgeBuildDiagnostics.ProfileNotFound, $"EdgeModel '{spec}': the profile file '{profilePath}' does not exist. Fix Profile=\"...\" or remove it to use the built-in profile for the Target");

        var calibration = ExpandData(model, spec, EdgeModelMetadata.CalibrationData, EdgeBuildDiagnostics.CalibrationDataNotFound, "calibration");
        var validation = ExpandData(model, spec, EdgeModelMetadata.ValidationData, EdgeBuildDiagnostics.ValidationDataNotFound, "validation");

        if (ErrorCount > errorsBefore) return null;

        var externalData = OnnxExternalData.TrackableFiles(sourcePath);
        var calibrationFiles = DataPatterns.Files(calibration);
        var validationFiles = DataPatterns.Files(validation);

        var outputFileName = className + ".onnx";
        var dir = IntermediateDirectory;
        var stamp = Path.Combine(dir, className + ".options");
        var item = new TaskItem(sourcePath);
        model.CopyMetadataTo(item);
        Set(item, EdgeModelMetadata.SourcePath, sourcePath);
        Set(item, EdgeModelMetadata.Target, target);
        Set(item, EdgeModelMetadata.Precision, precision);
        Set(item, EdgeModelMetadata.ClassName, className);
        Set(item, EdgeModelMetadata.Namespace, ns);
        Set(item, EdgeModelMetadata.MinSqnrDb, minSqnr);
        Set(item, EdgeModelMetadata.Embed, embed ? "true" : "false");
        Set(item, EdgeModelMetadata.ProfilePath, profilePath);
        Set(item, EdgeModelMetadata.OutputFileName, outputFileName);
        Set(item, EdgeModelMetadata.ResourceName, ns + "." + outputFileName);
        Set(item, EdgeModelMetadata.OptimizedModel, Path.Combine(dir, outputFileName));
        Set(item, EdgeModelMetadata.ExternalData, external ? "true" : "false");
        // Asked for, or written by an earlier build because the model passed 2 GB: either way an output to track.
        var dataFile = Path.Combine(dir, outputFileName + ".data");
        Set(item, EdgeModelMetadata.ExternalDataFile, external || File.Exists(dataFile) ? dataFile : "");
        Set(item, EdgeModelMetadata.Manifest, Path.Combine(dir, className + ".edgemodel.json"));
        Set(item, EdgeModelMetadata.Report, Path.Combine(dir, className + ".report.json"));
        Set(item, EdgeModelMetadata.ReportHtml, Path.Combine(dir, className + ".report.html"));
        Set(item, EdgeModelMetadata.OptionsStamp, stamp);
        Set(item, EdgeModelMetadata.CalibrationList, WriteSampleList(dir, className, "calibration", calibration));
        Set(item, EdgeModelMetadata.ValidationList, WriteSampleList(dir, className, "validation", validation));

        var inputs = new List<string> { sourcePath };
        inputs.AddRange(externalData);
        inputs.AddRange(calibrationFiles);
        inputs.AddRange(validationFiles);
        if (profilePath.Length > 0) inputs.Add(profilePath);
        inputs.Add(stamp);
        Set(item, EdgeModelMetadata.Inputs, string.Join(";", inputs.Distinct(StringComparer.Ordinal)));

        OptionsStamp.WriteIfChanged(stamp, OptionsStamp.Content(item, ToolIdentity(), externalData, calibrationFiles, validationFiles));
        return item;
    }

    private string? _toolIdentity;

    /// <summary>Names, sizes and timestamps of the tool's files: cheap to read on every build, and changed by any re-pack or update.</summary>
    private string ToolIdentity()
    {
        if (_toolIdentity is not null) return _toolIdentity;
        var dir = ToolAssembly.Length == 0 ? null : Path.GetDirectoryName(Path.GetFullPath(ToolAssembly));
        if (dir is null || !Directory.Exists(dir)) return _toolIdentity = "";
        var files = Directory.GetFiles(dir).OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new FileInfo(f))
            .Select(f => f.Name + ":" + f.Length.ToString(CultureInfo.InvariantCulture) + ":" + f.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture));
        return _toolIdentity = string.Join(",", files);
    }

    /// <summary>The sample items (files, per-sample folders) the metadata's patterns name, each pattern checked on its own.</summary>
    private IReadOnlyList<string> ExpandData(ITaskItem model, string spec, string metadata, string code, string what)
    {
        var items = new List<string>();
        foreach (var pattern in DataPatterns.Split(Meta(model, metadata)))
        {
            var matched = DataPatterns.Expand(ProjectDirectory, pattern);
            if (matched.Count == 0)
            {
                Error(code, $"EdgeModel '{spec}': {metadata}=\"{pattern}\" matches no files under '{ProjectDirectory}'. Put the {what} samples (.npy, .pb or images) there or fix the pattern");
                continue;
            }

            items.AddRange(matched.Where(m => !items.Contains(m, StringComparer.Ordinal)));
        }

        return items;
    }

    /// <summary>
    /// The tool gets the items this task expanded, as a list file (no command-line length limit), so task and tool
    /// agree on the samples by construction; empty when the metadata is not set.
    /// </summary>
    private static string WriteSampleList(string directory, string className, string role, IReadOnlyList<string> items)
    {
        if (items.Count == 0) return "";
        var path = Path.Combine(directory, className + "." + role + DataPatterns.ListExtension);
        DataPatterns.WriteList(path, items);
        return path;
    }

    private static bool DimsAreValid(string dims) =>
        dims.Split(';').Where(p => p.Trim().Length > 0).All(pair =>
        {
            var parts = pair.Split('=');
            return parts.Length == 2 && parts[0].Trim().Length > 0
                   && long.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0;
        });

    private void BadValue(string spec, string metadata, string value, string expected) =>
        Error(EdgeBuildDiagnostics.BadMetadataValue, $"EdgeModel '{spec}' has {metadata}=\"{value}\", which is not valid. Use {expected}");

    private int ErrorCount { get; set; }

    private void Error(string code, string message)
    {
        ErrorCount++;
        Log.LogError(null, code, null, ProjectFile, 0, 0, 0, 0, message + ".");
    }

    private string FullPath(string path) => Path.GetFullPath(Path.Combine(ProjectDirectory, path));

    private static string Meta(ITaskItem item, string name) => item.GetMetadata(name).Trim();

    private static void Set(ITaskItem item, string name, string value) => item.SetMetadata(name, value);
}
