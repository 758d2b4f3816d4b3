using Microsoft.CodeAnalysis;

namespace EdgeBuild.Generators;

/// <summary>Every diagnostic the generator reports; docs/diagnostics.md lists them with their fixes.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "EdgeBuild.Generators";

    /// <summary>{0} dim name, {1} input/output, {2} tensor name, {3} manifest file.</summary>
    public static DiagnosticDescriptor UnresolvedSymbolicDim { get; } = new(
        id: DiagnosticCodes.GeneratorUnresolvedSymbolicDim,
        title: "Symbolic dim has no value",
        messageFormat: "Dim '{0}' of {1} '{2}' in '{3}' has no value, so no buffer can be preallocated for it. Give it one on the EdgeModel item, e.g. Dims=\"{0}=640\" (several: Dims=\"H=640;W=640\"), or in the device profile's dim defaults.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "docs/diagnostics.md#edgegen001");

    /// <summary>{0} input/output, {1} tensor name, {2} manifest file, {3} element type.</summary>
    public static DiagnosticDescriptor UnsupportedElementType { get; } = new(
        id: DiagnosticCodes.GeneratorUnsupportedElementType,
        title: "Unsupported tensor element type",
        messageFormat: "{0} '{1}' in '{2}' has element type '{3}', which generated wrappers do not support (supported: float32, float16, float64, int8, uint8, int16, int32, int64, bool). Cast the tensor to a supported type in the model, or drop it from the model's outputs.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "docs/diagnostics.md#edgegen002");

    /// <summary>{0} manifest file, {1} what is wrong.</summary>
    public static DiagnosticDescriptor MalformedManifest { get; } = new(
        id: DiagnosticCodes.GeneratorMalformedManifest,
        title: "Malformed model manifest",
        messageFormat: "Model manifest '{0}' is malformed: {1}. Rebuild the project so 'edgebuild optimize' writes it again; do not edit manifests by hand.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "docs/diagnostics.md#edgegen003");

    /// <summary>{0} manifest file, {1} what (class name/namespace), {2} the value.</summary>
    public static DiagnosticDescriptor InvalidIdentifier { get; } = new(
        id: DiagnosticCodes.GeneratorInvalidIdentifier,
        title: "Invalid class name or namespace",
        messageFormat: "Model manifest '{0}': {1} '{2}' cannot be used in C#. Set ClassName or Namespace on the EdgeModel item to a valid C# identifier (letters, digits, underscores; not a keyword; not a member name of the wrapper such as Run or Inputs).",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "docs/diagnostics.md#edgegen004");

    /// <summary>{0} full class name, {1} first manifest, {2} second manifest.</summary>
    public static DiagnosticDescriptor DuplicateClass { get; } = new(
        id: DiagnosticCodes.GeneratorDuplicateClass,
        title: "Two models generate the same class",
        messageFormat: "Class '{0}' is generated from both '{1}' and '{2}'. Give one of the EdgeModel items another ClassName or Namespace.",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: "docs/diagnostics.md#edgegen005");
}
