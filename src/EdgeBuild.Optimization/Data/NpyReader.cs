using System.Text;
using System.Text.RegularExpressions;
using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using Google.Protobuf;

namespace EdgeBuild.Optimization.Data;

/// <summary>Reads NumPy .npy files (format 1.0–3.0, little-endian, C order) into TensorProto.</summary>
public static partial class NpyReader
{
    public static TensorProto Read(string path, string name)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw Bad(path, "is not a .npy file (no \\x93NUMPY magic)");
        var major = bytes[6];
        int headerLength, offset;
        if (major == 1)
        {
            headerLength = BitConverter.ToUInt16(bytes, 8);
            offset = 10;
        }
        else
        {
            headerLength = checked((int)BitConverter.ToUInt32(bytes, 8));
            offset = 12;
        }

        var header = Encoding.Latin1.GetString(bytes, offset, headerLength);
        var descr = DescrRegex().Match(header);
        var shape = ShapeRegex().Match(header);
        if (!descr.Success || !shape.Success) throw Bad(path, "has a header without 'descr' or 'shape'");
        if (FortranRegex().IsMatch(header)) throw Bad(path, "is stored in Fortran order; save it with np.ascontiguousarray");

        var dataType = descr.Groups[1].Value switch
        {
            "<f4" => DType.Float,
            "<f8" => DType.Double,
            "<f2" => DType.Float16,
            "<i8" => DType.Int64,
            "<i4" => DType.Int32,
            "|i1" => DType.Int8,
            "|u1" => DType.Uint8,
            "|b1" => DType.Bool,
            var other => throw Bad(path, $"has dtype '{other}', which is not supported (use float32, float64, int64, int32, int8, uint8 or bool, little-endian)"),
        };

        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        var tensor = new TensorProto { Name = name, DataType = dataType };
        tensor.Dims.AddRange(dims);
        var dataStart = offset + headerLength;
        var expected = Tensors.ElementCount(tensor) * DType.SizeOf(dataType);
        if (bytes.Length - dataStart != expected)
            throw Bad(path, $"holds {bytes.Length - dataStart} data bytes where shape ({string.Join(",", dims)}) needs {expected}");
        tensor.RawData = ByteString.CopyFrom(bytes, dataStart, (int)expected);
        return tensor;
    }

    private static OptimizationInputException Bad(string path, string problem) =>
        new(DiagnosticCodes.Samples, path, "the sample " + problem, "Write samples with numpy.save from a C-ordered little-endian array");

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();

    [GeneratedRegex(@"'fortran_order'\s*:\s*True")]
    private static partial Regex FortranRegex();
}
