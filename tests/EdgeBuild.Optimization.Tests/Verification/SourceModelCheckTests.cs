using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Tests.Verification;

/// <summary>ORT's refusals become EDGE0101 messages a user can read: ORT's reason, without its C++ file and signature.</summary>
public class SourceModelCheckTests
{
    [Theory]
    // Verbatim from ORT 1.2x refusals of fuzzed models (HostileModelBuildTests build log).
    [InlineData(
        "[ErrorCode:Fail] /onnxruntime_src/onnxruntime/core/graph/graph.cc:1441 onnxruntime::Graph::Graph(const onnxruntime::Model&, onnx::GraphProto*, const std::unordered_map<std::__cxx11::basic_string<char>, int>&, onnxruntime::Version, const onnxruntime::logging::Logger&, bool) This is an invalid model. Tensor 'w' does not have valid data type",
        "[ErrorCode:Fail] This is an invalid model. Tensor 'w' does not have valid data type")]
    [InlineData(
        "[ErrorCode:Fail] /onnxruntime_src/onnxruntime/core/graph/model_load_utils.h:46 void onnxruntime::model_load_utils::ValidateOpsetForDomain(const std::unordered_map<std::__cxx11::basic_string<char>, int>&, const onnxruntime::logging::Logger&, bool, const std::string&, int) ONNX Runtime only *guarantees* support for models stamped with official released onnx opset versions.",
        "[ErrorCode:Fail] ONNX Runtime only *guarantees* support for models stamped with official released onnx opset versions")]
    [InlineData(
        "[ErrorCode:Fail] tensorprotoutils.cc:1534 ValidateEmbeddedTensorProtoDataSizeAndShape Initializer 'w': raw_data size (4 bytes) does not match",
        "[ErrorCode:Fail] ValidateEmbeddedTensorProtoDataSizeAndShape Initializer 'w': raw_data size (4 bytes) does not match")]
    [InlineData("[ErrorCode:Fail] This is an invalid model. Error: the graph is not acyclic.", "[ErrorCode:Fail] This is an invalid model. Error: the graph is not acyclic")]
    public void Ort_source_locations_and_signatures_are_dropped(string ortMessage, string expected) =>
        Assert.Equal(expected, SourceModelCheck.OneLine(ortMessage));

    [Fact]
    public void A_model_ort_refuses_is_EDGE0101_without_native_source_text()
    {
        var model = new ModelBuilder(opset: 17)
            .Input("x", DType.Float, 1, 4)
            .Initializer("w", [1f, 2f, 3f, 4f], 1, 4)
            .Node("Add", ["x", "w"], ["y"])
            .Output("y", DType.Float, 1, 4)
            .Build();
        model.Graph.Initializer[0].DataType = 999;

        var e = Assert.Throws<OptimizationInputException>(() => SourceModelCheck.EnsureRuntimeAccepts(model, "m.onnx"));

        Assert.Equal("EDGE0101", e.Code);
        Assert.Contains("'w'", e.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("onnxruntime::", e.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(".cc:", e.Problem, StringComparison.Ordinal);
    }
}
