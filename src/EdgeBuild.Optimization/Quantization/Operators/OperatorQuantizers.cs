using EdgeBuild.Onnx.Graph;

namespace EdgeBuild.Optimization.Quantization.Operators;

/// <summary>
/// The registry: which operator kinds static QDQ quantization handles, and how. Only kinds ONNX Runtime
/// fuses into integer kernels (or runs directly on int8) are listed; anything else stays float.
/// </summary>
public static class OperatorQuantizers
{
    private static readonly IOperatorQuantizer PassThrough = new PassThroughQuantizer();
    private static readonly IOperatorQuantizer Unary = new UnaryQuantizer();
    private static readonly IOperatorQuantizer Binary = new BinaryQuantizer();
    private static readonly IOperatorQuantizer Clamp = new ClampQuantizer();

    private static readonly Dictionary<string, IOperatorQuantizer> Registry = new(StringComparer.Ordinal)
    {
        ["Conv"] = new ConvQuantizer(),
        ["MatMul"] = new MatMulQuantizer(),
        ["Gemm"] = new GemmQuantizer(),
        ["Add"] = Binary,
        ["Mul"] = Binary,
        ["Concat"] = new ConcatQuantizer(),
        ["GlobalAveragePool"] = Unary,
        ["AveragePool"] = Unary,
        ["Sigmoid"] = Unary,
        ["LeakyRelu"] = Unary,
        ["Softmax"] = Unary,
        ["Relu"] = Clamp,
        ["Clip"] = Clamp,
        ["MaxPool"] = PassThrough,
        ["Resize"] = PassThrough,
        ["Reshape"] = PassThrough,
        ["Transpose"] = PassThrough,
        ["Squeeze"] = PassThrough,
        ["Unsqueeze"] = PassThrough,
        ["Flatten"] = PassThrough,
    };

    public static IReadOnlyCollection<string> OpTypes => Registry.Keys;

    public static IOperatorQuantizer? For(string opType, string domain) =>
        NodeKind.IsStandardDomain(domain) && Registry.TryGetValue(opType, out var q) ? q : null;
}
