using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Onnx.Tests;

/// <summary>Minimal hand-made models for the I/O tests: y = x + w0 + w1 + ..., each w a float initializer.</summary>
internal static class IoTestModels
{
    public static ModelProto AddChain(params int[] initializerSizes)
    {
        var graph = new GraphProto { Name = "add_chain" };
        var previous = "x";
        for (var i = 0; i < initializerSizes.Length; i++)
        {
            var values = Enumerable.Range(0, initializerSizes[i]).Select(v => (float)(v % 97) + i).ToArray();
            var bytes = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            graph.Initializer.Add(new TensorProto { Name = $"w{i}", DataType = (int)TensorProto.Types.DataType.Float, Dims = { values.Length }, RawData = ByteString.CopyFrom(bytes) });
            var output = i == initializerSizes.Length - 1 ? "y" : $"t{i}";
            graph.Node.Add(new NodeProto { OpType = "Add", Name = $"add{i}", Input = { previous, $"w{i}" }, Output = { output } });
            previous = output;
        }

        var size = initializerSizes.Length == 0 ? 1 : initializerSizes.Max();
        graph.Input.Add(FloatVector("x", size));
        graph.Output.Add(FloatVector("y", size));
        return new ModelProto
        {
            IrVersion = 8,
            ProducerName = "edgebuild-tests",
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 13 } },
            Graph = graph,
        };
    }

    private static ValueInfoProto FloatVector(string name, long length) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)TensorProto.Types.DataType.Float,
                Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = length } } },
            },
        },
    };
}
