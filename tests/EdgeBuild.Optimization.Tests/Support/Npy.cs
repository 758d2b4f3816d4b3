using System.Runtime.InteropServices;
using System.Text;

namespace EdgeBuild.Optimization.Tests.Support;

/// <summary>
/// Writes float32 .npy files (format 1.0) the way numpy.save does, for sample folders in tests. This half has no
/// test dependencies, so tests/EdgeBuild.Benchmarks links it too.
/// </summary>
internal static partial class Npy
{
    public static void Write(string path, float[] data, params long[] shape)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
    }
}
