using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace EdgeBuild.Tasks;

/// <summary>
/// Finds the external data files an ONNX model refers to (TensorProto.external_data "location"),
/// so the build's Inputs cover them and editing a `.onnx.data` file re-runs the optimization.
/// Reads only the protobuf wire headers and seeks over tensor payloads: a no-op build must stay
/// cheap, and the task assembly carries no protobuf dependency. A file it cannot parse yields no
/// entries: reporting a corrupt model is the tool's job (EDGE0101), with one error, not two.
/// </summary>
internal static class OnnxExternalData
{
    private const int MaxNesting = 16;

    // Field numbers from onnx.proto.
    private const int ModelGraph = 7;
    private const int GraphNode = 1, GraphInitializer = 5, GraphSparseInitializer = 15;
    private const int NodeAttribute = 5;
    private const int AttributeTensor = 5, AttributeGraph = 6, AttributeTensors = 10, AttributeGraphs = 11, AttributeSparseTensor = 22, AttributeSparseTensors = 23;
    private const int SparseValues = 1, SparseIndices = 2;
    private const int TensorExternalData = 13;
    private const int EntryKey = 1, EntryValue = 2;

    /// <summary>The distinct `location` values in the model, in first-seen order; empty when there are none or the file is unreadable.</summary>
    public static IReadOnlyList<string> FindLocations(string modelPath)
    {
        var found = new List<string>();
        try
        {
            using var stream = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
            var reader = new WireReader(stream);
            reader.ForEachField(0, stream.Length, (field, wireType, start, end) =>
            {
                if (field == ModelGraph && wireType == WireReader.LengthDelimited) ScanGraph(reader, start, end, found, 0);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return [];
        }

        return found;
    }

    /// <summary>
    /// Full paths of the external data files the build can track as Inputs: locations inside the model's folder with
    /// nothing MSBuild or the file system would interpret. A hostile model's other locations (a NUL character,
    /// `/**`, `..`, `;`) would crash the task or make MSBuild glob the disk; they are left out here and refused by
    /// the tool with EDGE0102, which names the model.
    /// </summary>
    public static IReadOnlyList<string> TrackableFiles(string modelPath)
    {
        var folder = Path.GetDirectoryName(modelPath)!;
        var files = new List<string>();
        foreach (var location in FindLocations(modelPath))
        {
            if (!IsTrackable(location)) continue;
            try
            {
                files.Add(Path.GetFullPath(Path.Combine(folder, location)));
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                // .NET Framework MSBuild (Visual Studio) refuses more names than .NET does, ':' among them.
            }
        }

        return files;
    }

    private static readonly char[] MsBuildSpecial = ['*', '?', ';', '%', '$', '@', '\'', '"'];

    private static bool IsTrackable(string location) =>
        !Path.IsPathRooted(location)
        && location.IndexOfAny(Path.GetInvalidPathChars()) < 0
        && location.IndexOfAny(MsBuildSpecial) < 0
        && location.IndexOf('\0') < 0
        && !location.Split('/', '\\').Contains("..");

    private static void ScanGraph(WireReader reader, long start, long end, List<string> found, int depth)
    {
        if (depth > MaxNesting) throw new InvalidDataException("graphs nested too deeply");
        reader.ForEachField(start, end, (field, wireType, s, e) =>
        {
            if (wireType != WireReader.LengthDelimited) return;
            switch (field)
            {
                case GraphInitializer: ScanTensor(reader, s, e, found); break;
                case GraphSparseInitializer: ScanSparseTensor(reader, s, e, found); break;
                case GraphNode: ScanNode(reader, s, e, found, depth); break;
            }
        });
    }

    private static void ScanNode(WireReader reader, long start, long end, List<string> found, int depth) =>
        reader.ForEachField(start, end, (field, wireType, s, e) =>
        {
            if (field == NodeAttribute && wireType == WireReader.LengthDelimited) ScanAttribute(reader, s, e, found, depth);
        });

    private static void ScanAttribute(WireReader reader, long start, long end, List<string> found, int depth) =>
        reader.ForEachField(start, end, (field, wireType, s, e) =>
        {
            if (wireType != WireReader.LengthDelimited) return;
            switch (field)
            {
                case AttributeTensor or AttributeTensors: ScanTensor(reader, s, e, found); break;
                case AttributeSparseTensor or AttributeSparseTensors: ScanSparseTensor(reader, s, e, found); break;
                case AttributeGraph or AttributeGraphs: ScanGraph(reader, s, e, found, depth + 1); break;
            }
        });

    private static void ScanSparseTensor(WireReader reader, long start, long end, List<string> found) =>
        reader.ForEachField(start, end, (field, wireType, s, e) =>
        {
            if ((field is SparseValues or SparseIndices) && wireType == WireReader.LengthDelimited) ScanTensor(reader, s, e, found);
        });

    private static void ScanTensor(WireReader reader, long start, long end, List<string> found) =>
        reader.ForEachField(start, end, (field, wireType, s, e) =>
        {
            if (field != TensorExternalData || wireType != WireReader.LengthDelimited) return;
            string? key = null, value = null;
            reader.ForEachField(s, e, (f, w, ks, ke) =>
            {
                if (w != WireReader.LengthDelimited) return;
                if (f == EntryKey) key = reader.ReadString(ks, ke);
                else if (f == EntryValue) value = reader.ReadString(ks, ke);
            });
            if (key == "location" && !string.IsNullOrEmpty(value) && !found.Contains(value!)) found.Add(value!);
        });

    /// <summary>Minimal protobuf wire-format walker over a seekable stream.</summary>
    private sealed class WireReader(Stream stream)
    {
        public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

        public delegate void FieldVisitor(int field, int wireType, long valueStart, long valueEnd);

        public void ForEachField(long start, long end, FieldVisitor visit)
        {
            var position = start;
            while (position < end)
            {
                stream.Position = position;
                var tag = ReadVarint(end);
                var field = (int)(tag >> 3);
                var wireType = (int)(tag & 7);
                long valueStart = stream.Position, valueEnd;
                switch (wireType)
                {
                    case Varint: ReadVarint(end); valueEnd = stream.Position; break;
                    case Fixed64: valueEnd = valueStart + 8; break;
                    case Fixed32: valueEnd = valueStart + 4; break;
                    case LengthDelimited:
                        var length = ReadVarint(end);
                        valueStart = stream.Position;
                        valueEnd = valueStart + (long)length;
                        break;
                    default: throw new InvalidDataException($"unsupported wire type {wireType}");
                }

                if (field == 0 || valueEnd > end || valueEnd < valueStart) throw new InvalidDataException("truncated or malformed field");
                visit(field, wireType, valueStart, valueEnd);
                position = valueEnd;
            }
        }

        public string ReadString(long start, long end)
        {
            if (end - start > 4096) throw new InvalidDataException("string field too long");
            var bytes = new byte[end - start];
            stream.Position = start;
            var read = 0;
            while (read < bytes.Length)
            {
                var n = stream.Read(bytes, read, bytes.Length - read);
                if (n == 0) throw new InvalidDataException("truncated string");
                read += n;
            }

            return Encoding.UTF8.GetString(bytes);
        }

        private ulong ReadVarint(long end)
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (stream.Position >= end) throw new InvalidDataException("truncated varint");
                var b = stream.ReadByte();
                if (b < 0) throw new InvalidDataException("truncated varint");
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return result;
            }

            throw new InvalidDataException("varint too long");
        }
    }
}
