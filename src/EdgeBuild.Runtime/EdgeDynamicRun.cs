using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Runtime;

/// <summary>
/// One run on the allocating path: inputs whose shapes vary per call within the model's symbolic dims (a
/// detector fed images of different sizes, a batch of varying size). Every call allocates its input and output
/// tensors and copies the results into new arrays; the bound <see cref="EdgeModelSession.Run"/> path does neither.
/// </summary>
public sealed class EdgeDynamicRun : IDisposable
{
    private readonly EdgeModelInfo _model;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly OrtValue?[] _inputs;
    private IDisposableReadOnlyCollection<OrtValue>? _outputs;

    internal EdgeDynamicRun(EdgeModelInfo model, InferenceSession session, RunOptions runOptions)
    {
        _model = model;
        _session = session;
        _runOptions = runOptions;
        _inputs = new OrtValue?[model.Inputs.Count];
    }

    /// <summary>
    /// Sets input <paramref name="index"/> to a copy of <paramref name="data"/> with <paramref name="shape"/>.
    /// Axes the manifest names (symbolic in the model) may take any positive size; fixed axes must keep theirs.
    /// </summary>
    /// <exception cref="ArgumentException">The rank, a fixed dim or the element count does not fit.</exception>
    public void SetInput<T>(int index, ReadOnlySpan<T> data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        var tensor = _model.Inputs[index];
        ElementTypes.Require<T>(tensor);
        var parameterName = tensor.Name;
        if (shape.Length != tensor.Shape.Count)
            throw new ArgumentException(
                $"Input '{tensor.Name}' has rank {tensor.Shape.Count} {TensorShapes.Format(tensor.Shape, tensor.DimNames)}; got shape {TensorShapes.Format(shape)}.", parameterName);

        long count = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            var symbolic = tensor.DimNames[i] is not null;
            if (shape[i] <= 0 || (!symbolic && shape[i] != tensor.Shape[i]))
                throw new ArgumentException(
                    $"Input '{tensor.Name}' expects {TensorShapes.Format(tensor.Shape, tensor.DimNames)} where only named axes may change; got {TensorShapes.Format(shape)}.", parameterName);
            count = checked(count * shape[i]);
        }

        if (count != data.Length)
            throw new ArgumentException(
                $"Input '{tensor.Name}' with shape {TensorShapes.Format(shape)} needs {count} elements; got {data.Length}.", parameterName);

        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, tensor.ElementType, shape.ToArray());
        MemoryMarshal.AsBytes(data).CopyTo(value.GetTensorMutableRawData());
        _inputs[index]?.Dispose();
        _inputs[index] = value;
    }

    /// <summary>Runs the model on the inputs set so far; every input must be set.</summary>
    /// <exception cref="InvalidOperationException">An input was not set.</exception>
    public void Run()
    {
        for (var i = 0; i < _inputs.Length; i++)
        {
            if (_inputs[i] is null)
                throw new InvalidOperationException($"Input '{_model.Inputs[i].Name}' was not set before Run.");
        }

        _outputs?.Dispose();
        _outputs = _session.Run(
            _runOptions,
            _model.Inputs.Select(t => t.Name).ToArray(),
            _inputs!,
            _model.Outputs.Select(t => t.Name).ToArray());
    }

    /// <summary>A copy of output <paramref name="index"/>'s elements.</summary>
    public T[] GetOutput<T>(int index) where T : unmanaged
    {
        ElementTypes.Require<T>(_model.Outputs[index]);
        return MemoryMarshal.Cast<byte, T>(Output(index).GetTensorMutableRawData()).ToArray();
    }

    /// <summary>The shape output <paramref name="index"/> has after this run.</summary>
    public long[] GetOutputShape(int index) => Output(index).GetTensorTypeAndShape().Shape;

    /// <summary>Releases this run's native tensors.</summary>
    public void Dispose()
    {
        foreach (var input in _inputs) input?.Dispose();
        _outputs?.Dispose();
    }

    private OrtValue Output(int index) =>
        _outputs is null ? throw new InvalidOperationException("Call Run before reading outputs.") : _outputs[index];
}
