using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime.Tests;

/// <summary>The profile's threads fitted to the cores the process may use; the application's values kept as given.</summary>
public sealed class ThreadBudgetTests
{
    private static readonly EdgeSessionSettings Rpi5 = new() { IntraOpThreads = 4, InterOpThreads = 1, AllowSpinning = true };

    /// <summary>Affinity or a CPU quota leaves fewer CPUs than the machine has (here 2 of 8): ORT's default would not see it.</summary>
    [Fact]
    public void Profile_threads_above_the_usable_cores_of_a_restricted_process_are_clamped_and_spinning_turned_off()
    {
        using var options = EdgeSessionFactory.CreateSessionOptions(Rpi5, null, 2, out EdgeEffectiveSessionSettings effective, machineCpus: 8);

        Assert.Equal(2, options.IntraOpNumThreads);
        Assert.Equal(1, options.InterOpNumThreads);
        Assert.Equal(2, effective.IntraOpThreads);
        Assert.False(effective.AllowSpinning);
        Assert.Equal(2, effective.UsableCores);
        Assert.Equal(2, effective.Adjustments.Count);
        Assert.Contains("profile's 4 clamped", effective.Adjustments[0]);
        Assert.Contains("spinning off", effective.Adjustments[1]);
        Assert.Contains("spinning off", effective.ToString());
    }

    /// <summary>
    /// The whole machine has fewer cores than the profile's device (a 2-core host, rpi5's 4 threads): the session
    /// runs as a plain ONNX Runtime session would here: its intra-op count left to ORT, spinning as the profile says
    /// (ORT's pool then has no more threads than cores, so spinning steals nothing).
    /// </summary>
    [Fact]
    public void Profile_threads_above_the_cores_of_the_whole_machine_are_left_to_onnx_runtime_with_the_profiles_spinning()
    {
        using var options = EdgeSessionFactory.CreateSessionOptions(Rpi5, null, 2, out EdgeEffectiveSessionSettings effective, machineCpus: 2);

        Assert.Equal(0, options.IntraOpNumThreads); // ORT's "choose for me"
        Assert.Null(effective.IntraOpThreads);
        Assert.Equal(1, effective.InterOpThreads);
        Assert.True(effective.AllowSpinning);
        Assert.Single(effective.Adjustments);
        Assert.Contains("intra-op threads ORT default", effective.Adjustments[0]);
        Assert.Contains("profile's 4 exceed the 2 usable cores", effective.Adjustments[0]);
        Assert.DoesNotContain("spinning off", effective.ToString());
    }

    [Theory]
    [InlineData("0-1\n", 2)]
    [InlineData("0-3,6,8-9", 7)]
    [InlineData("0", 1)]
    [InlineData("", null)]
    [InlineData("a-b", null)]
    [InlineData("3-1", null)]
    public void Online_cpu_lists_are_counted(string list, int? expected) =>
        Assert.Equal(expected, ThreadBudget.CountCpuList(list));

    [Fact]
    public void Profile_threads_that_fit_keep_spinning()
    {
        using var options = EdgeSessionFactory.CreateSessionOptions(Rpi5, null, 4, out EdgeEffectiveSessionSettings effective);

        Assert.Equal(4, effective.IntraOpThreads);
        Assert.True(effective.AllowSpinning);
        Assert.Empty(effective.Adjustments);
    }

    [Fact]
    public void Application_values_are_kept_even_above_the_cores()
    {
        using var _ = EdgeSessionFactory.CreateSessionOptions(Rpi5, new EdgeSessionOptions { IntraOpThreads = 3 }, 2, out EdgeEffectiveSessionSettings threads);
        Assert.Equal(3, threads.IntraOpThreads);
        Assert.True(threads.AllowSpinning); // the application chose the threads; the profile's spinning stands
        Assert.Contains("as the application set", Assert.Single(threads.Adjustments));

        using var __ = EdgeSessionFactory.CreateSessionOptions(Rpi5, new EdgeSessionOptions { AllowSpinning = true }, 2, out EdgeEffectiveSessionSettings spinning);
        Assert.Equal(2, spinning.IntraOpThreads);
        Assert.True(spinning.AllowSpinning);
    }

    [Fact]
    public void Unset_threads_stay_onnx_runtime_defaults()
    {
        using var options = EdgeSessionFactory.CreateSessionOptions(new EdgeSessionSettings(), null, 1, out EdgeEffectiveSessionSettings effective);

        Assert.Null(effective.IntraOpThreads);
        Assert.Null(effective.AllowSpinning);
        Assert.Empty(effective.Adjustments);
        Assert.Contains("intra-op threads ORT default", effective.ToString());
    }

    [Fact]
    public void The_wrapper_exposes_and_logs_its_effective_settings_once()
    {
        var log = new List<string>();
        using var model = TinyAffine.Create(new EdgeSessionOptions { Log = log.Add, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC });

        Assert.Equal(Environment.ProcessorCount, model.EffectiveSettings.UsableCores);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_BASIC, model.EffectiveSettings.GraphOptimizationLevel);
        Assert.Same(model.Session.EffectiveSettings, model.EffectiveSettings);
        var line = Assert.Single(log);
        Assert.StartsWith("EdgeBuild: TinyAffine from '", line);
        Assert.Contains(model.EffectiveSettings.ToString(), line);
    }
}
