using System.Security.Cryptography;
using EdgeBuild.Onnx;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Runtime.Tests.Models;
using Google.Protobuf;

namespace EdgeBuild.Runtime.Tests;

/// <summary>
/// A model whose weights live in an external data file loads from its file with ORT finding the data next to it, and
/// the integrity check covers both files; a missing data file or a stream load fails with a message naming the fix.
/// </summary>
public sealed class ExternalDataLoadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgebuild-runtime-external-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_model_with_external_data_loads_runs_and_both_files_are_checked()
    {
        var (info, path) = WriteAffineWithExternalData();
        var dataPath = path + ".data";

        using (var session = EdgeModelSession.Load(info, path))
        {
            session.InputBuffer<float>(0).AsSpan().Fill(3f);
            session.Run();
            Assert.All(session.OutputBuffer<float>(0), y => Assert.Equal(7f, y)); // y = x * 2 + 1 with the weights from the .data file
        }

        var bytes = File.ReadAllBytes(dataPath);
        bytes[0] ^= 0x40;
        File.WriteAllBytes(dataPath, bytes);
        var e = Assert.Throws<EdgeModelIntegrityException>(() => EdgeModelSession.Load(info, path));
        Assert.Equal(dataPath, e.ModelSource);
        Assert.Equal(info.ExternalDataSha256, e.ExpectedSha256);

        File.Delete(dataPath);
        var missing = Assert.Throws<FileNotFoundException>(() => EdgeModelSession.Load(info, path));
        Assert.Contains(dataPath, missing.Message);
        Assert.Contains("deploy both files together", missing.Message);

        var stream = Assert.Throws<NotSupportedException>(() => EdgeModelSession.Load(info, new MemoryStream(File.ReadAllBytes(path))));
        Assert.Contains("Load it from its file", stream.Message);
    }

    /// <summary>tiny_affine with its two scalars as raw_data, written with both of them in model.onnx.data.</summary>
    private (EdgeModelInfo Info, string Path) WriteAffineWithExternalData()
    {
        var model = TinyModels.Affine();
        foreach (var tensor in model.Graph.Initializer)
        {
            tensor.RawData = ByteString.CopyFrom(BitConverter.GetBytes(tensor.FloatData[0]));
            tensor.FloatData.Clear();
        }

        var path = Path.Combine(_dir, "model.onnx");
        ModelFile.Save(model, path, new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataThreshold = 1 });
        Assert.Equal(2, ModelFile.LoadWithDetails(path).ExternalDataFiles.Single().TensorCount);
        Assert.All(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Initializer, t => Assert.Equal(TensorProto.Types.DataLocation.External, t.DataLocation));

        var template = TinyAffine.ModelInfo;
        var info = new EdgeModelInfo(template.ClassName, "model.onnx", null, Sha256(path), template.Target, template.Precision,
            template.Session, template.Inputs, template.Outputs)
        {
            ExternalDataFileName = "model.onnx.data",
            ExternalDataSha256 = Sha256(path + ".data"),
        };
        return (info, path);
    }

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
}
