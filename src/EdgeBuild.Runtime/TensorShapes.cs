using System.Globalization;
using System.Text;

namespace EdgeBuild.Runtime;

/// <summary>Shape arithmetic and formatting shared by the bound and the allocating paths.</summary>
internal static class TensorShapes
{
    public static int ElementCount(IReadOnlyList<long> shape, string tensorName)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim <= 0)
                throw new ArgumentException($"Tensor '{tensorName}' has dim {dim}; every dim must be positive.", nameof(shape));
            count = checked(count * dim);
            if (count > Array.MaxLength)
                throw new ArgumentException($"Tensor '{tensorName}' has more elements than a .NET array can hold.", nameof(shape));
        }

        return (int)count;
    }

    public static string Format(IReadOnlyList<long> shape, IReadOnlyList<string?>? dimNames = null)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < shape.Count; i++)
        {
            if (i > 0) text.Append(", ");
            if (dimNames?[i] is { } name) text.Append(name).Append('=');
            text.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }

    public static string Format(ReadOnlySpan<long> shape)
    {
        return Format((IReadOnlyList<long>)shape.ToArray(), null);
    }
}
