using System.Runtime.InteropServices;
using System.Text;

namespace EdgeBuild.Tests.Shared;

/// <summary>Writes float32 .npy files (format 1.0) the way numpy.save does: calibration and validation samples in tests.</summary>
internal static class NpyFile
{
    public static void Write(string path, ReadOnlySpan<float> data, params long[] shape)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";
        // Magic (6) + version (2) + length (2) + header + '\n', padded so the data starts at a multiple of 64.
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(MemoryMarshal.AsBytes(data));
    }
}
