namespace EdgeBuild.Generators.Tests;

public sealed class IdentifierTests
{
    [Theory]
    [InlineData("x", "X")]
    [InlineData("sigmoid_0.tmp_0", "Sigmoid0Tmp0")]
    [InlineData("onnx::Flatten_0", "OnnxFlatten0")]
    [InlineData("39", "Value39")]
    [InlineData("ch_PP-OCRv4_det_infer", "ChPPOCRv4DetInfer")]
    [InlineData("::", "Value")]
    [InlineData("input.1", "Input1")]
    [InlineData("été", "Été")]
    public void Tensor_names_are_PascalCased_by_alphanumeric_runs(string onnxName, string expected) =>
        Assert.Equal(expected, PascalCase.From(onnxName, "Value"));

    [Fact]
    public void Collisions_get_numeric_suffixes_and_derived_names_are_claimed_too()
    {
        var names = new UniqueNames(new[] { "ToString" }, "Length", "Shape", "Name");

        Assert.Equal("X", names.Claim("X"));
        Assert.Equal("X2", names.Claim("X"));
        Assert.Equal("XLength2", names.Claim("XLength"));
        Assert.Equal("ToString2", names.Claim("ToString"));
    }

    [Theory]
    [InlineData("Int", "@int")]
    [InlineData("X", "x")]
    [InlineData("Value39", "value39")]
    public void Parameter_names_are_camelCased_and_escaped(string pascal, string expected) =>
        Assert.Equal(expected, Identifiers.ToParameterName(pascal));
}
