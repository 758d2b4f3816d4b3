using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using EdgeBuild.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Perfolizer.Horology;

namespace EdgeBuild.Benchmarks.Runtime;

/// <summary>
/// The generated wrapper's <c>Run()</c> against the raw ONNX Runtime idioms on the same model, with the same
/// session settings, in the same process and run. Every idiom has its own session and preallocated inputs;
/// only the per-call work is measured. Ratios are against hand-written IoBinding (the fastest raw idiom in
/// every run so far; docs/benchmarks-runtime.md lists the table).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public abstract class WrapperVsRawOrtBenchmarks
{
    private InferenceSession _namedSession = null!;
    private InferenceSession _ortValueSession = null!;
    private InferenceSession _preallocatedSession = null!;
    private InferenceSession _bindingSession = null!;
    private RunOptions _runOptions = null!;
    private OrtIoBinding _binding = null!;
    private List<NamedOnnxValue> _namedInputs = null!;
    private string[] _inputNames = null!;
    private string[] _outputNames = null!;
    private OrtValue[] _inputValues = null!;
    private OrtValue[] _outputValues = null!;
    private OrtValue _boundOutput = null!;

    protected abstract EdgeModelInfo Model { get; }

    protected abstract string ModelPath { get; }

    /// <summary>
    /// Settings for every session here: one intra-op thread, no spinning. On the shared two-core machine a second
    /// worker thread that gets descheduled stalls the whole run, which swamps the differences being measured.
    /// </summary>
    protected static EdgeSessionOptions HostOptions => new() { IntraOpThreads = 1, AllowSpinning = false };

    [GlobalSetup]
    public void Setup()
    {
        CreateWrapper(HostOptions);
        var input = new float[Model.Inputs[0].Length];
        for (var i = 0; i < input.Length; i++) input[i] = (i % 251) / 251f - 0.5f;
        FillWrapperInput(input);

        InferenceSession NewSession()
        {
            using var options = EdgeSessionFactory.CreateSessionOptions(Model.Session, HostOptions, out _);
            return new InferenceSession(ModelPath, options);
        }

        var inputInfo = Model.Inputs[0];
        var outputInfo = Model.Outputs[0];
        var inputShape = inputInfo.Shape.ToArray();
        _runOptions = new RunOptions();
        _inputNames = new[] { inputInfo.Name };
        _outputNames = new[] { outputInfo.Name };

        _namedSession = NewSession();
        _namedInputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor(inputInfo.Name, new DenseTensor<float>(input.ToArray(), inputShape.Select(d => (int)d).ToArray())),
        };

        _ortValueSession = NewSession();
        _preallocatedSession = NewSession();
        _inputValues = new[] { OrtValue.CreateTensorValueFromMemory(input.ToArray(), inputShape) };
        _outputValues = new[] { OrtValue.CreateTensorValueFromMemory(new float[outputInfo.Length], outputInfo.Shape.ToArray()) };

        _bindingSession = NewSession();
        _binding = _bindingSession.CreateIoBinding();
        _binding.BindInput(inputInfo.Name, _inputValues[0]);
        // Kept in a field: the binding holds only the native pointer, the OrtValue keeps the buffer pinned.
        _boundOutput = OrtValue.CreateTensorValueFromMemory(new float[outputInfo.Length], outputInfo.Shape.ToArray());
        _binding.BindOutput(outputInfo.Name, _boundOutput);
    }

    [Benchmark(Description = "EdgeBuild wrapper Run()")]
    public void Wrapper() => RunWrapper();

    [Benchmark(Baseline = true, Description = "raw: hand-written IoBinding")]
    public void RawIoBinding() => _bindingSession.RunWithBinding(_runOptions, _binding);

    [Benchmark(Description = "raw: Run(OrtValue[]) into preallocated outputs")]
    public void RawOrtValuePreallocated() =>
        _preallocatedSession.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);

    [Benchmark(Description = "raw: Run(OrtValue[]) returning outputs")]
    public void RawOrtValue()
    {
        using var results = _ortValueSession.Run(_runOptions, _inputNames, _inputValues, _outputNames);
    }

    [Benchmark(Description = "raw: Run(NamedOnnxValue)")]
    public void RawNamedOnnxValue()
    {
        using var results = _namedSession.Run(_namedInputs);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        DisposeWrapper();
        _binding.Dispose();
        foreach (var v in _inputValues.Concat(_outputValues).Append(_boundOutput)) v.Dispose();
        _namedSession.Dispose();
        _ortValueSession.Dispose();
        _preallocatedSession.Dispose();
        _bindingSession.Dispose();
        _runOptions.Dispose();
    }

    protected abstract void CreateWrapper(EdgeSessionOptions options);

    protected abstract void FillWrapperInput(float[] input);

    protected abstract void RunWrapper();

    protected abstract void DisposeWrapper();
}

/// <summary>y = x·2 + 1 over 16 floats: per-call overhead dominates.</summary>
public class TinyModelWrapperBenchmarks : WrapperVsRawOrtBenchmarks
{
    private TinyAffine _wrapper = null!;

    protected override EdgeModelInfo Model => TinyAffine.ModelInfo;

    protected override string ModelPath => Path.Combine(AppContext.BaseDirectory, TinyAffine.ModelFileName);

    protected override void CreateWrapper(EdgeSessionOptions options) => _wrapper = TinyAffine.Create(options);

    protected override void FillWrapperInput(float[] input) => input.CopyTo(_wrapper.Inputs.X);

    protected override void RunWrapper() => _wrapper.Run();

    protected override void DisposeWrapper() => _wrapper.Dispose();
}

/// <summary>The PP-OCRv4 text detector, fp32, 1×3×640×640: compute dominates.</summary>
public class DetectorWrapperBenchmarks : WrapperVsRawOrtBenchmarks
{
    private TextDetector _wrapper = null!;

    protected override EdgeModelInfo Model => TextDetector.ModelInfo;

    protected override string ModelPath => Path.Combine(
        Environment.GetEnvironmentVariable("EDGEBUILD_ASSETS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "edgebuild", "assets"),
        "models", "ch_PP-OCRv4_det_infer.onnx");

    protected override void CreateWrapper(EdgeSessionOptions options) => _wrapper = TextDetector.Create(ModelPath, options);

    protected override void FillWrapperInput(float[] input) => input.CopyTo(_wrapper.Inputs.X);

    protected override void RunWrapper() => _wrapper.Run();

    protected override void DisposeWrapper() => _wrapper.Dispose();
}

/// <summary>
/// Two short in-process jobs over the same benchmarks: wall-clock time, and the measuring thread's CPU time
/// (<see cref="ThreadCpuClock"/>), which is what stays comparable while other builds load the shared machine.
/// One launch, 3 warm-up and 15 measured iterations of ~400 ms each; the ratio, not the absolute time, is what
/// we read.
/// </summary>
public sealed class ShortInProcessConfig : ManualConfig
{
    public ShortInProcessConfig()
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(15)
            .WithIterationTime(TimeInterval.FromMilliseconds(400));
        AddJob(job.WithId("WallClock"));
        if (ThreadCpuClock.Instance.IsAvailable) AddJob(job.WithClock(ThreadCpuClock.Instance).WithId("ThreadCpu"));
    }
}
