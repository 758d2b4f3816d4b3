using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization.Quantization;
using EdgeBuild.Optimization.Tests.Support;

namespace EdgeBuild.Optimization.Tests.Quantization;

public class DivisionByConstantPassTests
{
    [Fact]
    public void Division_by_a_float_constant_becomes_multiplication_by_its_reciprocal()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Initializer("six", [6f], 1)
            .Initializer("per_column", [3f, -0.5f, 7f, 1e-3f], 4)
            .Node("Div", ["x", "six"], ["a"])
            .Node("Div", ["a", "per_column"], ["y"])
            .Output("y", DType.Float, 2, 4)
            .Build();

        var (result, changes) = PassRunner.Apply(new DivisionByConstantPass(), model);

        Assert.Equal(2, changes);
        Assert.Equal(["Mul", "Mul"], PassRunner.OpTypes(result));
        var x = OrtRun.Random(8, seed: 71);
        OrtRun.AssertClose(OrtRun.Run(model, ("x", x, [2, 4]))["y"], OrtRun.Run(result, ("x", x, [2, 4]))["y"], 1e-6f);
    }

    [Fact]
    public void Zero_or_runtime_divisors_stay_divisions()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 2, 4)
            .Initializer("has_zero", [1f, 0f, 2f, 3f], 4)
            .Node("Div", ["x", "has_zero"], ["a"])
            .Node("Div", ["a", "x"], ["y"])
            .Output("y", DType.Float, 2, 4)
            .Build();

        var (result, changes) = PassRunner.Apply(new DivisionByConstantPass(), model);

        Assert.Equal(0, changes);
        Assert.Equal(["Div", "Div"], PassRunner.OpTypes(result));
    }
}
