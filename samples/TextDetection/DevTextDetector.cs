// TEMPORARY stand-in for the class the EdgeBuild generator emits, over raw ONNX Runtime, until the package lands.
using Microsoft.ML.OnnxRuntime;

namespace TextDetection;

public sealed class TextDetector : IDisposable
{
    public const int InputHeight = 480, InputWidth = 640;
    private readonly InferenceSession _session;
    private readonly OrtValue _x, _map;
    private readonly float[] _xData = new float[3 * InputHeight * InputWidth], _mapData = new float[InputHeight * InputWidth];

    private TextDetector(string path)
    {
        _session = new InferenceSession(path, new SessionOptions { IntraOpNumThreads = Math.Min(4, Environment.ProcessorCount) });
        _x = OrtValue.CreateTensorValueFromMemory(_xData, [1, 3, InputHeight, InputWidth]);
        _map = OrtValue.CreateTensorValueFromMemory(_mapData, [1, 1, InputHeight, InputWidth]);
        Inputs = new InputTensors(this);
        Outputs = new OutputTensors(this);
    }

    public static TextDetector Create() => new(Path.Combine(AppContext.BaseDirectory, "TextDetector.onnx"));

    public InputTensors Inputs { get; }
    public OutputTensors Outputs { get; }

    public void Run()
    {
        using var ro = new RunOptions();
        _session.Run(ro, ["x"], [_x], ["sigmoid_0.tmp_0"], [_map]);
    }

    public void Dispose() { _x.Dispose(); _map.Dispose(); _session.Dispose(); }

    public sealed class InputTensors(TextDetector d) { public Span<float> X => d._xData; }
    public sealed class OutputTensors(TextDetector d) { public ReadOnlySpan<float> Sigmoid0Tmp0 => d._mapData; }
}
