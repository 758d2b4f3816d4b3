using System.Globalization;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.IO;

/// <summary>A tensor's external_data entries parsed: which file, where in it, how many bytes (null: to the end).</summary>
internal readonly record struct ExternalDataReference(string Location, long Offset, long? Length)
{
    /// <summary>Parses the entries of a tensor with data_location = EXTERNAL; returns the problem text when they are invalid.</summary>
    public static ExternalDataReference Parse(TensorProto tensor, out string? problem)
    {
        string? location = null;
        long offset = 0;
        long? length = null;
        problem = null;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location":
                    location = entry.Value;
                    break;
                case "offset":
                    if (!TryParseSize(entry.Value, out offset)) problem = $"tensor '{tensor.Name}' has external data offset '{entry.Value}', which is not a non-negative integer";
                    break;
                case "length":
                    if (!TryParseSize(entry.Value, out var n)) problem = $"tensor '{tensor.Name}' has external data length '{entry.Value}', which is not a non-negative integer";
                    length = n;
                    break;
            }
        }

        if (problem is null && string.IsNullOrEmpty(location))
            problem = $"tensor '{tensor.Name}' is stored externally but has no 'location' entry";
        if (problem is null && tensor.HasRawData)
            problem = $"tensor '{tensor.Name}' is stored externally but also has raw_data";
        return new ExternalDataReference(location ?? "", offset, length);
    }

    private static bool TryParseSize(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
