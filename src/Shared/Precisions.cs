using System;

namespace EdgeBuild;

/// <summary>
/// The precisions `edgebuild optimize --precision` and the EdgeModel item's Precision accept (DESIGN.md). Linked into
/// the MSBuild task (which rejects others with EDGE0403 before the tool runs) and the optimizer (EDGE0002).
/// </summary>
internal static class Precisions
{
    public const string Auto = "auto";
    public const string Int8 = "int8";
    public const string Uint8 = "uint8";
    public const string Fp16 = "fp16";
    public const string Int4 = "int4";
    public const string None = "none";

    public static readonly string[] All = { Auto, Int8, Uint8, Fp16, Int4, None };

    public static string List => string.Join(", ", All);

    public static bool IsKnown(string value) => Array.Exists(All, p => string.Equals(p, value, StringComparison.OrdinalIgnoreCase));
}
