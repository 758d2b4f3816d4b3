using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Cli.Tests;

/// <summary>
/// One model check for every command (issue 14): a tensor whose data length contradicts its dims is rejected by
/// ModelFile.Load itself, so `inspect` no longer prints "parameters 1,099,511,627,776 (16 bytes)" with exit 0, and
/// `optimize` refuses it through the same check (its message), not through ONNX Runtime's shape inference.
/// </summary>
public sealed class TensorDataConsistencyTests : IDisposable
{
    private readonly string _temp = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "edgebuild-cli-tests", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>Identity over an initializer that claims 2^40 floats and holds 16 bytes (or the given bytes).</summary>
    private string Model(long[] dims, byte[] data)
    {
        var weight = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(data) };
        weight.Dims.AddRange(dims);
        var graph = new GraphProto { Name = "g" };
        graph.Initializer.Add(weight);
        graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "w" }, Output = { "y" } });
        graph.Output.Add(new ValueInfoProto
        {
            Name = "y",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
        });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        var path = Path.Combine(_temp, "claims.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    [Fact]
    public void Inspect_rejects_a_tensor_whose_data_is_shorter_than_its_dims_claim()
    {
        var path = Model([1L << 40], new byte[16]);
        var run = CliRun.Of("inspect", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith($"{path}: error EDGE0101: tensor 'w' has dims [1099511627776]", line, StringComparison.Ordinal);
        Assert.Contains("its data holds 16 bytes", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Optimize_rejects_it_through_the_same_check()
    {
        var path = Model([1L << 40], new byte[16]);
        var run = CliRun.Of("optimize", path, "--target", "rpi5", "--precision", "none", "--output", Path.Combine(_temp, "out.onnx"));
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines, l => l.Contains("error", StringComparison.Ordinal));
        Assert.StartsWith($"{path}: error EDGE0101: tensor 'w' has dims [1099511627776]", line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_temp, "out.onnx")));
    }

    [Fact]
    public void A_consistent_tensor_passes_and_is_counted()
    {
        var path = Model([4], new byte[16]);
        var run = CliRun.Of("inspect", path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("parameters 4 (16 bytes)", run.Stdout, StringComparison.Ordinal);
    }
}
