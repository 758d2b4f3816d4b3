using EdgeBuild.Optimization.Budgets;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Tests.Budgets;

public class MemoryEstimatorTests
{
    [Fact]
    public void Liveness_walk_counts_values_live_together_and_caller_buffers_for_the_whole_run()
    {
        var model = TinyModels.SkipConnection();
        var estimate = MemoryEstimator.Estimate(model, null, new Dictionary<string, long> { ["N"] = 2 }, null, threads: 1);

        // Each value is 2x4 floats = 32 bytes. At "add": x and y (caller buffers) + a, b, c = 5 values.
        Assert.Equal(5 * 32, estimate.PeakActivationBytes);
        Assert.Equal("add (Add)", estimate.PeakNode);
        Assert.Equal(40, estimate.InitializerBytes);
        Assert.Equal(200, estimate.EstimatedPeakBytes);
        Assert.Equal(["x=[2,4]"], estimate.InputShapes);
    }

    [Fact]
    public void Activation_memory_scales_with_the_declared_dims()
    {
        var model = TinyModels.SkipConnection();
        var small = MemoryEstimator.Estimate(model, null, new Dictionary<string, long> { ["N"] = 1 }, null, 1);
        var large = MemoryEstimator.Estimate(model, null, new Dictionary<string, long> { ["N"] = 100 }, null, 1);
        Assert.Equal(100 * small.PeakActivationBytes, large.PeakActivationBytes);
    }

    [Fact]
    public void Profile_defaults_fill_the_batch_dim_and_a_missing_dim_is_named_with_the_fix()
    {
        var model = TinyModels.SkipConnection();
        var estimate = MemoryEstimator.Estimate(model, null, new Dictionary<string, long>(), ProfileCatalog.Get("rpi5").DimDefaults, 1);
        Assert.Equal(["x=[1,4]"], estimate.InputShapes);

        model.Graph.Input[0].Type.TensorType.Shape.Dim[1].ClearDimValue();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimParam = "W";
        var e = Assert.Throws<ArgumentException>(() => MemoryEstimator.Estimate(model, null, new Dictionary<string, long>(), ProfileCatalog.Get("rpi5").DimDefaults, 1));
        Assert.Contains("'W'", e.Message);
        Assert.Contains("Dims=\"W=", e.Message);
    }

    [Fact]
    public void Every_missing_dim_is_named_in_one_message_with_one_fix_declaring_them_all()
    {
        // As PaddleOCR's recognizers come: [batch, 3, '?', width], the height named '?' and the width another name.
        var model = TinyModels.SkipConnection();
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        dims[1].ClearDimValue();
        dims[1].DimParam = "?";
        dims.Add(new EdgeBuild.Onnx.Protos.TensorShapeProto.Types.Dimension { DimParam = "p2o.DynamicDimension.1" });

        var e = Assert.Throws<ArgumentException>(() => MemoryEstimator.Estimate(model, null, new Dictionary<string, long>(), ProfileCatalog.Get("rpi5").DimDefaults, 1));

        Assert.Contains("dims '?' of input 'x' (axis 1) and 'p2o.DynamicDimension.1' of input 'x' (axis 2) have no value", e.Message);
        Assert.Contains("Dims=\"?=640;p2o.DynamicDimension.1=640\"", e.Message);
    }

    [Fact]
    public void Over_budget_is_a_warning_or_an_error_with_the_figures()
    {
        var profile = ProfileCatalog.Get("rpi-zero2w") with { Budgets = new ProfileBudgets { MaxModelBytes = 1000, MaxPeakMemoryBytes = 100 } };
        var memory = MemoryEstimator.Estimate(TinyModels.SkipConnection(), null, new Dictionary<string, long> { ["N"] = 2 }, null, 1);

        var warnings = BudgetCheck.Check(profile, "det.onnx", 2048, memory, failOnBudget: false);
        Assert.Equal([BudgetCheck.ModelSizeCode, BudgetCheck.PeakMemoryCode], warnings.Select(f => f.Code));
        Assert.All(warnings, f => Assert.False(f.IsError));
        Assert.StartsWith("det.onnx: warning EDGE0302: estimated peak memory is 200 B", warnings[1].ToString());
        Assert.Contains("add (Add)", warnings[1].Message);
        Assert.Contains("2 KiB (2048 bytes)", warnings[0].Message);

        Assert.All(BudgetCheck.Check(profile, "det.onnx", 2048, memory, failOnBudget: true), f => Assert.True(f.IsError));
        Assert.Empty(BudgetCheck.Check(ProfileCatalog.Get("rpi5"), "det.onnx", 2048, memory, failOnBudget: true));
        Assert.Empty(BudgetCheck.Check(ProfileCatalog.Get("arm64"), "det.onnx", long.MaxValue, memory, failOnBudget: true));
    }

    [Fact]
    public void A_model_the_probe_cannot_feed_gets_a_note_instead_of_an_estimate()
    {
        // String inputs cannot be filled with a constant; the budget review must carry on without the estimate.
        var model = TinyModels.SkipConnection();
        var graph = model.Graph;
        graph.Node.Clear();
        graph.Node.Add(TinyModels.Node("Identity", "id", ["x"], ["y"]));
        graph.Input[0].Type.TensorType.ElemType = graph.Output[0].Type.TensorType.ElemType = (int)EdgeBuild.Onnx.Protos.TensorProto.Types.DataType.String;
        var outcome = BudgetReview.Run(ProfileCatalog.Get("rpi5"), model, "strings.onnx", 100, new Dictionary<string, long> { ["N"] = 1 }, failOnBudget: true);
        Assert.Null(outcome.Memory);
        Assert.StartsWith("peak memory not estimated: ", outcome.Note);
        Assert.Contains("element type 8", outcome.Note);
        Assert.Empty(outcome.Findings);
    }

    [Fact]
    public void Image_axes_named_by_the_exporter_take_the_N_H_W_values_the_manifest_takes()
    {
        // PP-OCR's detector names its axes p2o.DynamicDimension.*, and its item declares Dims="N=1;H=480;W=640".
        var graph = new EdgeBuild.Onnx.Protos.GraphProto { Name = "image" };
        graph.Input.Add(TinyModels.Tensor("x", "p2o.DynamicDimension.0", 3, "p2o.DynamicDimension.1", "p2o.DynamicDimension.2"));
        graph.Output.Add(TinyModels.Tensor("y", "p2o.DynamicDimension.3", 3, "p2o.DynamicDimension.4", "p2o.DynamicDimension.5"));
        graph.Node.Add(TinyModels.Node("Relu", "relu", ["x"], ["y"]));
        var model = new EdgeBuild.Onnx.Protos.ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new EdgeBuild.Onnx.Protos.OperatorSetIdProto { Domain = "", Version = 17 });

        var estimate = MemoryEstimator.Estimate(model, null, new Dictionary<string, long> { ["H"] = 8, ["W"] = 4 }, ProfileCatalog.Get("rpi5").DimDefaults, 1);
        Assert.Equal(["x=[1,3,8,4]"], estimate.InputShapes);
        Assert.Equal(2 * 3 * 8 * 4 * 4, estimate.PeakActivationBytes);
    }
}
