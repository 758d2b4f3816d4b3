namespace EdgeBuild.Onnx.Graph;

/// <summary>One axis of a declared shape: a fixed size or a symbolic name (ONNX dim_value / dim_param).</summary>
public readonly record struct Dim
{
    public long? Value { get; }
    public string? Param { get; }

    private Dim(long? value, string? param)
    {
        Value = value;
        Param = param;
    }

    public static Dim Fixed(long value) => new(value, null);

    public static Dim Symbolic(string name) => new(null, name);

    /// <summary>Neither a size nor a name: ONNX allows an axis with no information.</summary>
    public static Dim Unknown { get; } = new(null, null);

    public static implicit operator Dim(long value) => Fixed(value);

    public static implicit operator Dim(int value) => Fixed(value);

    public static implicit operator Dim(string name) => Symbolic(name);

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Param ?? "?";
}
