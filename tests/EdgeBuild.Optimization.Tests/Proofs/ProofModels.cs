using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Proofs;

/// <summary>Small float models that give every cleanup pass and the int8 path something to do.</summary>
internal static class ProofModels
{
    /// <summary>
    /// Conv (weight in a Constant node) → BatchNormalization → Relu → Identity → 1×1 Conv → GlobalAveragePool →
    /// Flatten → Gemm, at opset 11 so int8 also exercises the opset upgrade. Input x [1, 3, 16, 16], output y [1, 10].
    /// </summary>
    public static ModelProto ConvNet() => new ModelBuilder(opset: 11)
        .Input("x", DType.Float, 1, 3, 16, 16)
        .Constant(Tensors.FromFloats("w1", OrtRun.Random(8 * 3 * 3 * 3, 201), 8, 3, 3, 3))
        .Initializer("b1", OrtRun.Random(8, 202), 8)
        .Node("Conv", ["x", "w1", "b1"], ["c1"], name: "conv1", attributes: Attributes.Ints("pads", 1, 1, 1, 1))
        .Initializer("bn_scale", OrtRun.Random(8, 203).Select(v => v + 1.5f).ToArray(), 8)
        .Initializer("bn_bias", OrtRun.Random(8, 204), 8)
        .Initializer("bn_mean", OrtRun.Random(8, 205), 8)
        .Initializer("bn_var", OrtRun.Random(8, 206).Select(v => v + 1.2f).ToArray(), 8)
        .Node("BatchNormalization", ["c1", "bn_scale", "bn_bias", "bn_mean", "bn_var"], ["n1"], name: "bn1")
        .Node("Relu", ["n1"], ["r1"], name: "relu1")
        .Node("Identity", ["r1"], ["i1"], name: "identity1")
        .Initializer("w2", OrtRun.Random(16 * 8, 207), 16, 8, 1, 1)
        .Node("Conv", ["i1", "w2"], ["c2"], name: "conv2")
        .Node("Relu", ["c2"], ["r2"], name: "relu2")
        .Node("GlobalAveragePool", ["r2"], ["p"], name: "pool")
        .Node("Flatten", ["p"], ["f"], name: "flatten")
        .Initializer("wg", OrtRun.Random(16 * 10, 208), 16, 10)
        .Initializer("bg", OrtRun.Random(10, 209), 10)
        .Node("Gemm", ["f", "wg", "bg"], ["y"], name: "fc")
        .Output("y", DType.Float, 1, 10)
        .Build();

    public static readonly long[] ConvNetInput = [1, 3, 16, 16];

    /// <summary>
    /// MatMul → Add → Relu → MatMul with a second, byte-identical copy of the bias (deduplication) and a constant
    /// subgraph (Mul of two initializers) to fold. Input x [4, 32], output y [4, 16].
    /// </summary>
    public static ModelProto MatMulNet() => new ModelBuilder(opset: 13)
        .Input("x", DType.Float, 4, 32)
        .Initializer("wa", OrtRun.Random(32 * 64, 301), 32, 64)
        .Initializer("ba", OrtRun.Random(64, 302), 64)
        .Initializer("ba_copy", OrtRun.Random(64, 302), 64)
        .Initializer("half", [0.5f], 1)
        .Node("MatMul", ["x", "wa"], ["m1"], name: "mm1")
        .Node("Add", ["m1", "ba"], ["a1"], name: "add1")
        .Node("Relu", ["a1"], ["r1"], name: "relu1")
        .Node("Mul", ["ba_copy", "half"], ["bhalf"], name: "fold_me")
        .Node("Add", ["r1", "bhalf"], ["a2"], name: "add2")
        .Initializer("wb", OrtRun.Random(64 * 16, 303), 64, 16)
        .Node("MatMul", ["a2", "wb"], ["y"], name: "mm2")
        .Output("y", DType.Float, 4, 16)
        .Build();

    public static readonly long[] MatMulNetInput = [4, 32];
}
