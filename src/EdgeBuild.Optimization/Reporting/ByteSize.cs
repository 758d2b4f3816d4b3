using System.Globalization;

namespace EdgeBuild.Optimization.Reporting;

/// <summary>Human-readable byte counts in binary units ("4.7 MiB"), invariant culture so output is stable.</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Format(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
            : value.ToString(value >= 100 || value == Math.Floor(value) ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    /// <summary>The result's size as a share of the source's, for warnings: an empty source has nothing to shrink, so 1.</summary>
    public static double Ratio(long bytes, long sourceBytes) => sourceBytes > 0 ? (double)bytes / sourceBytes : 1;
}
