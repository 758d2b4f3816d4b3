using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Data;

/// <summary>
/// A re-readable, streamed set of samples: paths are resolved once, samples are decoded one at a time
/// while enumerating, so memory does not grow with the number of samples.
/// Layouts: a .npy/.pb/image file per sample (single-input models), or a folder per sample holding
/// "&lt;input name&gt;.npy" / ".pb" files (multi-input models).
/// </summary>
public sealed class SampleSource
{
    private readonly IReadOnlyList<ModelInput> _inputs;
    private readonly ImagePreprocessing? _preprocessing;

    public SampleSource(string pattern, IReadOnlyList<string> items, IReadOnlyList<ModelInput> inputs, ImagePreprocessing? preprocessing)
    {
        Pattern = pattern;
        Items = items;
        _inputs = inputs;
        _preprocessing = preprocessing;
    }

    public string Pattern { get; }

    public IReadOnlyList<string> Items { get; }

    public int Count => Items.Count;

    public static SampleSource Open(string pattern, IReadOnlyList<ModelInput> inputs, ImagePreprocessing? preprocessing)
    {
        var items = DataPatterns.Items(Directory.GetCurrentDirectory(), pattern).Where(p => Directory.Exists(p) || IsSampleFile(p)).ToList();
        if (items.Count == 0)
            throw new OptimizationInputException(DiagnosticCodes.Samples, pattern, "no samples match", "Point it at .npy, .pb or image files (a glob like \"calib/*.npy\", a folder, several separated by ';', or a .samples list)");
        return new SampleSource(pattern, items, inputs, preprocessing);
    }

    /// <summary>The same source restricted to some items (used for the calibration/validation split).</summary>
    public SampleSource Subset(IEnumerable<string> items) => new(Pattern, items.ToList(), _inputs, _preprocessing);

    /// <summary>
    /// Deterministic split used when no separate validation data is given: every fourth item (in sorted
    /// order, starting with the fourth) is held out for validation, the rest calibrates.
    /// </summary>
    public (SampleSource Calibration, SampleSource Validation) SplitForValidation()
    {
        if (Count < 2) return (this, this);
        var validation = Items.Where((_, i) => i % 4 == 3).ToList();
        if (validation.Count == 0) validation = [Items[^1]];
        return (Subset(Items.Except(validation)), Subset(validation));
    }

    public IEnumerable<Sample> Read()
    {
        foreach (var item in Items) yield return Load(item);
    }

    public Sample Load(string item)
    {
        if (Directory.Exists(item)) return LoadFolder(item);
        if (_inputs.Count != 1)
            throw new OptimizationInputException(DiagnosticCodes.Samples, item, $"the model has {_inputs.Count} inputs but this sample is a single file", $"Give a folder per sample holding {string.Join(", ", _inputs.Select(i => i.Name + ".npy"))}");
        return new Sample(item, [new SampleInput(_inputs[0].Name, Conform(LoadFile(item, _inputs[0]), _inputs[0], item))]);
    }

    private Sample LoadFolder(string folder)
    {
        var inputs = new List<SampleInput>();
        for (var i = 0; i < _inputs.Count; i++)
        {
            var input = _inputs[i];
            var npy = Path.Combine(folder, input.Name + ".npy");
            var pb = Path.Combine(folder, input.Name + ".pb");
            var indexed = Path.Combine(folder, $"input_{i}.pb");
            var file = File.Exists(npy) ? npy : File.Exists(pb) ? pb : File.Exists(indexed) ? indexed : null;
            if (file is null)
                throw new OptimizationInputException(DiagnosticCodes.Samples, folder, $"the sample has no value for input '{input.Name}'", $"Add {input.Name}.npy (or {input.Name}.pb) to the folder");
            inputs.Add(new SampleInput(input.Name, Conform(LoadFile(file, input), input, file)));
        }

        return new Sample(folder, inputs);
    }

    private TensorProto LoadFile(string path, ModelInput input)
    {
        var ext = Path.GetExtension(path);
        if (ext.Equals(".npy", StringComparison.OrdinalIgnoreCase)) return NpyReader.Read(path, input.Name);
        if (ext.Equals(".pb", StringComparison.OrdinalIgnoreCase)) return ReadTensorProto(path, input.Name);
        var p = _preprocessing ?? DefaultPreprocessing(input);
        return ImageLoader.Load(path, input.Name, p);
    }

    /// <summary>Without a declared preprocessing: exact size when the input's H and W are fixed, else fit within 640.</summary>
    public static ImagePreprocessing DefaultPreprocessing(ModelInput input)
    {
        var d = input.Dims;
        if (d.Count == 4 && d[2] > 0 && d[3] > 0) return new ImagePreprocessing { ResizeMode = "exact", Height = (int)d[2], Width = (int)d[3] };
        return new ImagePreprocessing();
    }

    private static TensorProto ReadTensorProto(string path, string name)
    {
        try
        {
            var tensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
            tensor.Name = name;
            return tensor;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new OptimizationInputException(DiagnosticCodes.Samples, path, "the file is not a serialized ONNX TensorProto", "Write it with onnx.numpy_helper.from_array(...).SerializeToString()", e);
        }
    }

    /// <summary>Converts float64 samples to float32 inputs and checks rank and fixed dims, naming the file on mismatch.</summary>
    private static TensorProto Conform(TensorProto tensor, ModelInput input, string path)
    {
        if (tensor.DataType != input.ElementType)
        {
            if (input.ElementType == DType.Float && tensor.DataType is DType.Double or DType.Float16 or DType.Uint8)
                tensor = Tensors.FromFloats(tensor.Name, Tensors.ToFloatArray(tensor), [.. tensor.Dims]);
            else
                throw new OptimizationInputException(DiagnosticCodes.Samples, path, $"the sample is {DType.Name(tensor.DataType)} but input '{input.Name}' takes {DType.Name(input.ElementType)}", "Save the sample with the input's element type");
        }

        if (input.Dims.Count > 0 && tensor.Dims.Count == input.Dims.Count - 1) tensor.Dims.Insert(0, 1); // a sample without the batch axis
        var fits = tensor.Dims.Count == input.Dims.Count && input.Dims.Zip(tensor.Dims).All(p => p.First <= 0 || p.First == p.Second);
        if (!fits)
            throw new OptimizationInputException(DiagnosticCodes.Samples, path, $"the sample has shape [{string.Join(",", tensor.Dims)}] but input '{input.Name}' is [{string.Join(",", input.Dims.Select(d => d <= 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]", "Give samples of the input's shape");
        return tensor;
    }

    private static bool IsSampleFile(string path)
    {
        var ext = Path.GetExtension(path);
        return ext.Equals(".npy", StringComparison.OrdinalIgnoreCase) || ext.Equals(".pb", StringComparison.OrdinalIgnoreCase) || ImageLoader.Extensions.Contains(ext);
    }

    public static IReadOnlyList<ModelInput> InputsOf(ModelProto model)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return model.Graph.Input.Where(i => !initializers.Contains(i.Name))
            .Select(i => new ModelInput(i.Name, i.Type.TensorType.ElemType, i.Type.TensorType.Shape?.Dim.Select(d => d.HasDimValue ? d.DimValue : -1).ToList() ?? []))
            .ToList();
    }
}
