using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// External data must come from the model's own folder (ONNX itself had CVE-2022-25882 and CVE-2024-27318 for
/// this): `..`, absolute paths and symbolic links out of the folder are refused by inspect and optimize with
/// EDGE0102, nothing is read from outside and nothing is written outside the output path.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ExternalDataConfinementTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("edgebuild-confine-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The small conv model with one weight moved to external data at <paramref name="location"/>.</summary>
    private string ModelReferencing(string location, string folderName)
    {
        var folder = Path.Combine(_root, folderName);
        Directory.CreateDirectory(folder);
        var model = SeedModels.ConvBatchNormRelu();
        var w = model.Graph.Initializer.Single(t => t.Name == "w");
        w.ClearRawData();
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        var path = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    /// <summary>A file outside the model's folder with exactly the bytes the tensor needs, so only confinement can refuse it.</summary>
    private string SecretOutside()
    {
        var secret = Path.Combine(_root, "secret.bin");
        File.WriteAllBytes(secret, new byte[4 * 3 * 3 * 3 * 4]);
        return secret;
    }

    public static TheoryData<string> Commands => ["inspect", "optimize"];

    [Theory]
    [MemberData(nameof(Commands))]
    public void Dot_dot_location_is_EDGE0102(string command)
    {
        SecretOutside();
        AssertRefused(command, ModelReferencing("../secret.bin", "dotdot"), "'..'");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Absolute_location_is_EDGE0102(string command) =>
        AssertRefused(command, ModelReferencing(SecretOutside(), "absolute"), "absolute path");

    [Theory]
    [MemberData(nameof(Commands))]
    public void Symlinked_file_pointing_outside_is_EDGE0102(string command)
    {
        var model = ModelReferencing("w.bin", "filelink");
        File.CreateSymbolicLink(Path.Combine(Path.GetDirectoryName(model)!, "w.bin"), SecretOutside());
        AssertRefused(command, model, "outside the model's folder");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Symlinked_folder_pointing_outside_is_EDGE0102(string command)
    {
        SecretOutside();
        var model = ModelReferencing("data/secret.bin", "dirlink");
        Directory.CreateSymbolicLink(Path.Combine(Path.GetDirectoryName(model)!, "data"), _root);
        AssertRefused(command, model, "outside the model's folder");
    }

    [Fact]
    public void A_symlink_inside_the_folder_to_a_file_inside_it_is_accepted()
    {
        var model = ModelReferencing("w.bin", "innerlink");
        var folder = Path.GetDirectoryName(model)!;
        File.WriteAllBytes(Path.Combine(folder, "real.bin"), new byte[4 * 3 * 3 * 3 * 4]);
        File.CreateSymbolicLink(Path.Combine(folder, "w.bin"), Path.Combine(folder, "real.bin"));

        var (code, _, err) = CliRuns.InProcess(CliRuns.OptimizeArgs(model, Path.Combine(_root, "out")));

        Assert.True(code == ExitCodes.Ok, err);
    }

    [Fact]
    public void Optimize_replaces_a_symlink_at_the_output_path_instead_of_writing_through_it()
    {
        var victim = Path.Combine(_root, "victim.txt");
        File.WriteAllText(victim, "must stay");
        var outDir = Path.Combine(_root, "out-link");
        Directory.CreateDirectory(outDir);
        foreach (var artifact in CliRuns.Artifacts(outDir).Append(Path.Combine(outDir, "Model.report.json")))
            File.CreateSymbolicLink(artifact, victim);

        var (code, _, err) = CliRuns.InProcess(CliRuns.OptimizeArgs(CliRuns.Classifier, outDir));

        Assert.True(code == ExitCodes.Ok, err);
        Assert.Equal("must stay", File.ReadAllText(victim));
        foreach (var artifact in CliRuns.Artifacts(outDir)) Assert.Null(new FileInfo(artifact).LinkTarget);
    }

    [Fact]
    public void Saving_refuses_an_external_data_file_name_that_leaves_the_folder()
    {
        var model = SeedModels.ConvBatchNormRelu();
        foreach (var name in new[] { "../escape.bin", Path.Combine(_root, "abs.bin"), "sub/../../escape.bin" })
        {
            var options = new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataThreshold = 0, ExternalDataFileName = name };
            var folder = Path.Combine(_root, "save");
            Directory.CreateDirectory(folder);

            Assert.ThrowsAny<Exception>(() => ModelFile.Save(model, Path.Combine(folder, "m.onnx"), options));
            Assert.False(File.Exists(Path.Combine(_root, "escape.bin")));
            Assert.False(File.Exists(Path.Combine(_root, "abs.bin")));
        }
    }

    private void AssertRefused(string command, string model, string reason)
    {
        var outDir = Path.Combine(_root, "out-" + Guid.NewGuid().ToString("N")[..6]);
        var args = command == "inspect" ? ["inspect", model] : CliRuns.OptimizeArgs(model, outDir);

        var (code, _, err) = CliRuns.InProcess(args);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Null(Diagnostics.CheckSingleCanonicalError(err, Path.GetDirectoryName(model)!));
        Assert.Contains("error EDGE0102", err, StringComparison.Ordinal);
        Assert.Contains(reason, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(), "a refused model left outputs");
    }
}
