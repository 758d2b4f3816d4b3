using System;
using System.Collections.Generic;

namespace EdgeBuild.Generators;

/// <summary>The manifest element types wrappers support, mapped to C# and ONNX Runtime.</summary>
internal static class ElementTypes
{
    private static readonly Dictionary<string, ElementTypeSpec> Supported = new(StringComparer.Ordinal)
    {
        ["float32"] = new("float32", "float", "Float"),
        ["float16"] = new("float16", "global::System.Half", "Float16"),
        ["float64"] = new("float64", "double", "Double"),
        ["int8"] = new("int8", "sbyte", "Int8"),
        ["uint8"] = new("uint8", "byte", "UInt8"),
        ["int16"] = new("int16", "short", "Int16"),
        ["int32"] = new("int32", "int", "Int32"),
        ["int64"] = new("int64", "long", "Int64"),
        ["bool"] = new("bool", "bool", "Bool"),
    };

    public static ElementTypeSpec? Find(string manifestName) => Supported.TryGetValue(manifestName, out var spec) ? spec : null;
}
