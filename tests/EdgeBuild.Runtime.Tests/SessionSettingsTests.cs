using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime.Tests;

public sealed class SessionSettingsTests
{
    [Fact]
    public void Profile_settings_reach_the_onnx_runtime_session_options()
    {
        using var options = EdgeSessionFactory.CreateSessionOptions(TextDetector.ModelInfo.Session, null, 8, out EdgeEffectiveSessionSettings effective);
        var providers = effective.ExecutionProviders;

        Assert.Equal(4, options.IntraOpNumThreads); // 8 usable cores: the profile's 4 fit
        Assert.Empty(effective.Adjustments);
        Assert.Equal(1, options.InterOpNumThreads);
        Assert.True(options.EnableCpuMemArena);
        Assert.True(options.EnableMemoryPattern);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_ALL, options.GraphOptimizationLevel);
        Assert.Equal(ExecutionMode.ORT_SEQUENTIAL, options.ExecutionMode);
        Assert.Equal(new[] { "cpu" }, providers);
    }

    [Fact]
    public void Application_overrides_win_over_the_profile()
    {
        var overrides = new EdgeSessionOptions
        {
            IntraOpThreads = 1,
            EnableCpuMemArena = false,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
            ExecutionMode = ExecutionMode.ORT_PARALLEL,
            ConfigureSessionOptions = o => o.LogId = "configured",
        };
        using var options = EdgeSessionFactory.CreateSessionOptions(TextDetector.ModelInfo.Session, overrides, out _);

        Assert.Equal(1, options.IntraOpNumThreads);
        Assert.False(options.EnableCpuMemArena);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_BASIC, options.GraphOptimizationLevel);
        Assert.Equal(ExecutionMode.ORT_PARALLEL, options.ExecutionMode);
        Assert.Equal("configured", options.LogId);
    }

    [Fact]
    public void Missing_execution_providers_fall_back_to_cpu_with_a_log_line_each()
    {
        var log = new List<string>();
        using var model = TinyAffineOnGpu.Create(new EdgeSessionOptions { Log = log.Add });
        model.Inputs.X.Fill(1f);
        model.Run();

        Assert.Equal(new[] { "cuda", "tensorrt", "warp-drive", "cpu" }, TinyAffineOnGpu.ModelInfo.Session.ExecutionProviders);
        Assert.Equal(new[] { "cpu" }, model.Session.ExecutionProviders);
        Assert.Equal(4, log.Count);
        Assert.Contains("'cuda' (CUDAExecutionProvider) is not in this ONNX Runtime build", log[0]);
        Assert.Contains("'tensorrt'", log[1]);
        Assert.Contains("'warp-drive' is unknown", log[2]);
        Assert.StartsWith("EdgeBuild: TinyAffineOnGpu from ", log[3]); // the effective settings, once
        Assert.Contains("providers cpu", log[3]);
        Assert.All(model.Outputs.Y.ToArray(), y => Assert.Equal(3f, y));
    }
}
