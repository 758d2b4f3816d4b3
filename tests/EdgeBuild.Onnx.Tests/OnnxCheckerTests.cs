using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Onnx.Tests;

/// <summary>
/// Acceptance 3: what we write passes onnx.checker (full_check) from Debian's python3-onnx, an implementation
/// independent of ours. python3-onnx 1.12 knows IR version 8 and opset 17, so the sample is models within that
/// range: the real PP-OCR models (IR 8, opset 11 and 9) and backend-test models from the same ONNX release.
/// </summary>
public sealed class OnnxCheckerTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] BackendSample =
    [
        "node/test_add", "node/test_if", "node/test_loop11", "node/test_scan9_sum", "node/test_conv_with_strides_padding",
        "node/test_resize_upsample_sizes_cubic", "node/test_gru_defaults", "node/test_cast_FLOAT_to_FLOAT16",
        "simple/test_sequence_model1", "simple/test_expand_shape_model1", "pytorch-converted/test_Conv2d",
        "pytorch-operator/test_operator_maxpool",
    ];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Saved_models_pass_onnx_checker_full_check()
    {
        var saved = new List<string>();
        string Save(string source, string name, ModelSaveOptions? options = null)
        {
            Directory.CreateDirectory(_temp.File(name));
            var target = Path.Combine(_temp.File(name), "model.onnx");
            ModelFile.Save(ModelFile.Load(source), target, options);
            saved.Add(target);
            return target;
        }

        Save(TestAssets.Detector, "det");
        Save(TestAssets.Classifier, "cls");
        var external = Save(TestAssets.Detector, "det-external", new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always });
        Assert.True(File.Exists(external + ".data"));
        var cls = Save(TestAssets.Classifier, "cls-external", new ModelSaveOptions { ExternalData = ExternalDataPolicy.Always, ExternalDataFileName = "weights.bin" });
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(cls)!, "weights.bin")));
        foreach (var id in BackendSample)
            Save(Path.Combine(TestAssets.OnnxTestData, id, "model.onnx"), id.Replace('/', '_'));

        var (exitCode, text) = OnnxChecker.Run(saved);
        output.WriteLine(text);
        Assert.Equal(saved.Count, OnnxChecker.Passed(text));
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public void The_checker_rejects_a_broken_model()
    {
        // Proves the check can fail: a node reading a value nobody produces.
        var model = IoTestModels.AddChain(4);
        model.Graph.Node[0].Input[0] = "nobody_makes_this";
        var path = _temp.File("broken.onnx");
        ModelFile.Save(model, path);
        var (exitCode, text) = OnnxChecker.Run([path]);
        output.WriteLine(text);
        Assert.Equal(1, exitCode);
        Assert.Contains("FAIL", text);
    }
}
