using System.Security.Cryptography;
using EdgeBuild.Onnx;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>Model and output folders with spaces, non-ASCII names, long paths, and read-only sources (POSIX modes).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(ReliabilityCollection.Name)]
public sealed class PathTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("edgebuild-paths-").FullName;

    public void Dispose()
    {
        foreach (var dir in Directory.GetDirectories(_root, "*", SearchOption.AllDirectories))
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(_root, recursive: true);
    }

    public static TheoryData<string> Folders => new()
    {
        "with spaces/and more spaces",
        "ünïcödé/模型/モデル/модель",
        "emoji 🚀 and tab\tseparated",
        string.Join('/', Enumerable.Range(0, 12).Select(i => $"a-fairly-long-folder-name-number-{i:D2}")), // ~420 characters
    };

    [Theory]
    [MemberData(nameof(Folders))]
    public void Inspect_and_optimize_work_in_unusual_folders(string folder)
    {
        var src = Path.Combine(_root, folder, "models");
        var model = CliRuns.CopyModel(CliRuns.Classifier, src, "clässifier model.onnx");
        var outDir = Path.Combine(_root, folder, "out put");

        var inspect = CliRuns.InProcess("inspect", model, "--json");
        var optimize = CliRuns.InProcess(CliRuns.OptimizeArgs(model, outDir, "Klassifikator"));

        Assert.True(inspect.Code == ExitCodes.Ok, inspect.Err);
        Assert.True(optimize.Code == ExitCodes.Ok, optimize.Err);
        Assert.NotNull(ModelFile.Load(Path.Combine(outDir, "Klassifikator.onnx")).Graph);
    }

    [Fact]
    public void External_data_in_a_non_ascii_folder_with_a_spaced_file_name_loads_and_optimizes()
    {
        var folder = Path.Combine(_root, "données externes", "模型");
        Directory.CreateDirectory(folder);
        var model = Path.Combine(folder, "conv model.onnx");
        ModelFile.Save(SeedModels.ConvBatchNormRelu(), model, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataThreshold = 0, ExternalDataFileName = "poids ü.bin" });

        var (code, _, err) = CliRuns.InProcess(CliRuns.OptimizeArgs(model, Path.Combine(folder, "out")));

        Assert.True(code == ExitCodes.Ok, err);
    }

    [Fact]
    public void A_read_only_source_folder_is_never_written_and_the_model_is_unchanged()
    {
        var src = Path.Combine(_root, "read only");
        var model = CliRuns.CopyModel(CliRuns.Classifier, src);
        File.SetUnixFileMode(model, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(src, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        var hash = SHA256.HashData(File.ReadAllBytes(model));
        var written = File.GetLastWriteTimeUtc(model);

        var inspect = CliRuns.InProcess("inspect", model);
        var optimize = CliRuns.InProcess(CliRuns.OptimizeArgs(model, Path.Combine(_root, "out")));

        Assert.True(inspect.Code == ExitCodes.Ok, inspect.Err);
        Assert.True(optimize.Code == ExitCodes.Ok, optimize.Err);
        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(model)));
        Assert.Equal(written, File.GetLastWriteTimeUtc(model));
        Assert.Equal([model], Directory.GetFiles(src));
    }

    [Fact]
    public void Output_over_the_source_model_is_refused_and_the_source_survives()
    {
        var model = CliRuns.CopyModel(CliRuns.Classifier, Path.Combine(_root, "same"));
        var before = File.ReadAllBytes(model);

        var (code, _, err) = CliRuns.InProcess("optimize", model, "--target", "rpi5", "--precision", "none", "--output", model);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("error EDGE0002", err, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(model));
    }
}
