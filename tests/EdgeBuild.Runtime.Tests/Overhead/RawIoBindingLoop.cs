using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime.Overhead;

/// <summary>
/// What an ONNX Runtime user writes by hand for a wrapper's job: a session with the given options, pinned float
/// buffers for the model's one input and one output bound once, then <c>RunWithBinding</c> per run.
/// </summary>
internal sealed class RawIoBindingLoop : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _x;
    private readonly OrtValue _y;
    private readonly OrtIoBinding _binding;

    public RawIoBindingLoop(string modelPath, EdgeModelInfo model, SessionOptions options)
    {
        var (input, output) = (model.Inputs.Single(), model.Outputs.Single());
        _session = new InferenceSession(modelPath, options);
        Input = GC.AllocateArray<float>(input.Length, pinned: true);
        Output = GC.AllocateArray<float>(output.Length, pinned: true);
        _x = OrtValue.CreateTensorValueFromMemory(Input, input.Shape.ToArray());
        _y = OrtValue.CreateTensorValueFromMemory(Output, output.Shape.ToArray());
        _binding = _session.CreateIoBinding();
        _binding.BindInput(input.Name, _x);
        _binding.BindOutput(output.Name, _y);
    }

    public float[] Input { get; }

    public float[] Output { get; }

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _x.Dispose();
        _y.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
