using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Budgets;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Data;

/// <summary>
/// Inputs made up from a model's declared inputs, for checking an optimized model against its original when the user gave
/// no data. Seeded (same model and options → same samples). What each input gets:
/// <list type="bullet">
/// <item>float [N, 3, H, W] or [N, H, W, 3]: an image — smooth gradients plus a few flat rectangles in [0, 1], normalized with
/// ImageNet's mean and standard deviation (the most common preprocessing);</item>
/// <item>float inputs named like a recurrent state (state, h, c, hidden, cache, past): zeros, what a first call passes;</item>
/// <item>other floats: Gaussian, σ 0.3, clipped to [-1, 1] (normalized audio or features);</item>
/// <item>integer inputs: the values the model compares them with (Equal/Greater/Less against a constant, as a sample-rate
/// input selecting an If branch), cycled over the samples; else values the item gives; else, when the input indexes a
/// constant table (Gather), ids in [0, rows); else an error naming the input and the fix;</item>
/// <item>bool: alternating false/true.</item>
/// </list>
/// These are a smoke test of the optimized model (NaN, broken branches, wildly different outputs), not an accuracy measurement.
/// </summary>
public static class SyntheticSamples
{
    private static readonly string[] StateNames = ["state", "h", "c", "hidden", "cache", "past", "h0", "c0"];

    private static readonly float[] ImageMean = [0.485f, 0.456f, 0.406f], ImageStd = [0.229f, 0.224f, 0.225f];

    /// <param name="Count">Samples to make.</param>
    /// <param name="Seed">Seed of every random choice.</param>
    /// <param name="IntegerValues">Values for integer inputs the model does not constrain (input name → values, cycled).</param>
    /// <param name="Shapes">Shapes by input name, for inputs whose symbolic dims the declared dims do not cover.</param>
    public sealed record Options(int Count = 4, int Seed = 17, IReadOnlyDictionary<string, long[]>? IntegerValues = null, IReadOnlyDictionary<string, long[]>? Shapes = null);

    /// <summary>
    /// The item's SyntheticValues ("sr=16000;ids=1,2,3": input name, values cycled over the samples), or null when empty.
    /// </summary>
    /// <exception cref="OptimizationInputException">EDGE0002 naming the entry that is not NAME=INTEGER[,INTEGER…].</exception>
    public static IReadOnlyDictionary<string, long[]>? ParseValues(string? text, string modelPath)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var values = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            long[]? parsed = null;
            if (parts.Length == 2 && parts[0].Length > 0)
            {
                var numbers = parts[1].Split(',', StringSplitOptions.TrimEntries);
                parsed = numbers.All(n => long.TryParse(n, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _))
                    ? numbers.Select(n => long.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
                    : null;
            }

            if (parsed is null)
                throw new OptimizationInputException(DiagnosticCodes.Usage, modelPath, $"SyntheticValues entry '{entry}' is not NAME=INTEGER[,INTEGER...]", "Write it like SyntheticValues=\"sr=16000;ids=1,2,3\" (--synthetic-values)");
            values[parts[0]] = parsed;
        }

        return values;
    }

    /// <exception cref="ArgumentException">An input's dims or values cannot be made up; the message names the input and the fix.</exception>
    public static IReadOnlyList<Sample> Create(ModelProto model, IReadOnlyDictionary<string, long> dims, SymbolicDimDefaults? defaults, Options options)
    {
        var inputs = SampleSource.InputsOf(model);
        var shapes = inputs.ToDictionary(i => i.Name, i => options.Shapes?.GetValueOrDefault(i.Name) ?? ResolveOne(model.Graph, i.Name, dims, defaults));
        var rng = new Random(options.Seed);
        var samples = new List<Sample>();
        for (var s = 0; s < options.Count; s++)
        {
            var values = inputs.Select(i => new SampleInput(i.Name, Make(model.Graph, i, shapes[i.Name], s, rng, options))).ToList();
            samples.Add(new Sample($"synthetic #{s + 1} (seed {options.Seed})", values));
        }

        return samples;
    }

    private static long[] ResolveOne(GraphProto graph, string input, IReadOnlyDictionary<string, long> dims, SymbolicDimDefaults? defaults)
    {
        var one = graph.Clone();
        one.Input.Clear();
        one.Input.Add(graph.Input.Single(i => i.Name == input));
        one.Initializer.Clear();
        return InputShapes.Resolve(one, dims, defaults)[input];
    }

    private static TensorProto Make(GraphProto graph, ModelInput input, long[] shape, int sample, Random rng, Options options)
    {
        var count = checked((int)shape.Aggregate(1L, (a, d) => a * d));
        switch (input.ElementType)
        {
            case DType.Float:
                if (IsImage(shape)) return Tensors.FromFloats(input.Name, Image(shape, rng), shape);
                if (StateNames.Contains(input.Name.ToLowerInvariant())) return Tensors.FromFloats(input.Name, new float[count], shape);
                return Tensors.FromFloats(input.Name, Enumerable.Range(0, count).Select(_ => Math.Clamp(0.3f * Gaussian(rng), -1f, 1f)).ToArray(), shape);
            case DType.Bool:
                return Tensors.Create(input.Name, DType.Bool, Enumerable.Repeat((byte)(sample % 2), count).ToArray(), shape);
            case DType.Int64 or DType.Int32:
                var accepted = IntegerValuesFor(graph, input.Name, options);
                var values = new long[count];
                for (var i = 0; i < count; i++) values[i] = accepted.Table is { } rows ? rng.NextInt64(rows) : accepted.Values[sample % accepted.Values.Length];
                return input.ElementType == DType.Int64 ? Tensors.FromInt64s(input.Name, values, shape) : Tensors.FromInt32s(input.Name, Array.ConvertAll(values, v => (int)v), shape);
            default:
                throw new ArgumentException($"input '{input.Name}' is {DType.Name(input.ElementType)}; synthesized inputs cover float, int32, int64 and bool. Give validation data for this model");
        }
    }

    /// <summary>
    /// The made-up <paramref name="samples"/> as they are (images ImageNet-normalized), then, when an input is an image, the
    /// same samples with their images in [0, 1] and in [-1, 1]: models differ in how they expect images scaled, and a
    /// made-up image cannot know which, so what depends on the scaling is measured under each.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Sample>> InImageScalings(IReadOnlyList<Sample> samples) =>
        WithImagesScaled(samples, [0, 0, 0], [1, 1, 1]) is { } unit && WithImagesScaled(samples, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]) is { } symmetric
            ? [samples, unit, symmetric]
            : [samples];

    /// <summary>
    /// The made-up <paramref name="samples"/> with their images scaled as <paramref name="preprocessing"/> scales real ones
    /// (its scale, mean and standard deviation per channel), or null when no input is an image: when the user said how the
    /// model expects its images, there is nothing to guess.
    /// </summary>
    public static IReadOnlyList<Sample>? AsPreprocessed(IReadOnlyList<Sample> samples, ImagePreprocessing preprocessing)
    {
        var toPixels = 255 * preprocessing.Scale; // a made-up pixel in [0, 1] is pixel · 255 · scale after the scale step
        return WithImagesScaled(samples, [.. preprocessing.Mean.Select(m => m / toPixels)], [.. preprocessing.Std.Select(d => d / toPixels)]);
    }

    /// <summary>
    /// The same made-up samples with their images rescaled from ImageNet's normalization to <paramref name="mean"/> and
    /// <paramref name="std"/> per channel (in [0, 1] pixel units; every other input as it was), or null when no input is an image.
    /// </summary>
    private static IReadOnlyList<Sample>? WithImagesScaled(IReadOnlyList<Sample> samples, float[] mean, float[] std)
    {
        if (!samples.SelectMany(s => s.Inputs).Any(i => i.Tensor.DataType == DType.Float && IsImage([.. i.Tensor.Dims]))) return null;
        return samples.Select(s => s with { Inputs = s.Inputs.Select(i => i.Tensor.DataType == DType.Float && IsImage([.. i.Tensor.Dims]) ? i with { Tensor = Rescaled(i.Tensor, mean, std) } : i).ToList() }).ToList();
    }

    private static TensorProto Rescaled(TensorProto image, float[] mean, float[] std)
    {
        var shape = image.Dims.ToArray();
        var nchw = shape[1] == 3;
        long inner = nchw ? shape[2] * shape[3] : 1;
        var values = Tensors.ToFloatArray(image);
        for (var i = 0; i < values.Length; i++)
        {
            var c = (int)(i / inner % 3);
            values[i] = (values[i] * ImageStd[c] + ImageMean[c] - mean[c % mean.Length]) / std[c % std.Length];
        }

        return Tensors.FromFloats(image.Name, values, shape);
    }

    private static bool IsImage(long[] s) => s.Length == 4 && (s[1] == 3 || s[3] == 3) && Math.Min(s[2], s[1] == 3 ? s[3] : s[2]) >= 16;

    /// <summary>Smooth per-channel gradients plus a few flat rectangles, normalized per channel; NCHW or NHWC.</summary>
    private static float[] Image(long[] shape, Random rng)
    {
        var nchw = shape[1] == 3;
        int n = (int)shape[0], h = (int)(nchw ? shape[2] : shape[1]), w = (int)(nchw ? shape[3] : shape[2]);
        var data = new float[n * 3 * h * w];
        for (var b = 0; b < n; b++)
        {
            var pixels = new float[3, h, w];
            for (var c = 0; c < 3; c++)
            {
                double a = rng.NextDouble(), gx = rng.NextDouble() - 0.5, gy = rng.NextDouble() - 0.5;
                for (var y = 0; y < h; y++)
                {
                    for (var x = 0; x < w; x++) pixels[c, y, x] = (float)Math.Clamp(a + gx * x / w + gy * y / h, 0, 1);
                }
            }

            for (var r = 0; r < 6; r++)
            {
                int x0 = rng.Next(w), y0 = rng.Next(h), x1 = Math.Min(w, x0 + 1 + rng.Next(w / 3)), y1 = Math.Min(h, y0 + 1 + rng.Next(h / 3));
                var color = new[] { rng.NextSingle(), rng.NextSingle(), rng.NextSingle() };
                for (var c = 0; c < 3; c++)
                {
                    for (var y = y0; y < y1; y++)
                    {
                        for (var x = x0; x < x1; x++) pixels[c, y, x] = color[c];
                    }
                }
            }

            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < h; y++)
                {
                    for (var x = 0; x < w; x++)
                    {
                        var at = nchw ? ((b * 3 + c) * h + y) * w + x : ((b * h + y) * w + x) * 3 + c;
                        data[at] = (pixels[c, y, x] - ImageMean[c]) / ImageStd[c];
                    }
                }
            }
        }

        return data;
    }

    private static float Gaussian(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    /// <summary>Values an integer input takes: constants the model compares it with, else the item's, else table ids.</summary>
    private static (long[] Values, long? Table) IntegerValuesFor(GraphProto graph, string input, Options options)
    {
        var compared = ComparedConstants(graph, input);
        if (compared.Length > 0) return (compared, null);
        if (options.IntegerValues?.GetValueOrDefault(input) is { Length: > 0 } given) return (given, null);
        var table = graph.Node.Where(n => n.OpType == "Gather" && n.Input.Count > 1 && n.Input[1] == input)
            .Select(n => graph.Initializer.FirstOrDefault(t => t.Name == n.Input[0]))
            .FirstOrDefault(t => t is { Dims.Count: > 0 });
        if (table is not null) return ([], table.Dims[0]);
        throw new ArgumentException($"integer input '{input}' is not compared with a constant nor used as ids into a table, so no value for it can be made up; "
            + $"give its values, e.g. SyntheticValues=\"{input}=16000\", or give validation data");
    }

    /// <summary>Constants the input is compared with directly (Equal, Greater, Less, ...), in order of appearance, distinct.</summary>
    private static long[] ComparedConstants(GraphProto graph, string input)
    {
        var constants = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer) constants[t.Name] = t;
        foreach (var n in graph.Node.Where(n => n.OpType == "Constant" && n.Attribute.Count == 1 && n.Attribute[0].Name == "value")) constants[n.Output[0]] = n.Attribute[0].T;
        var values = new List<long>();
        foreach (var n in graph.Node.Where(n => n.OpType is "Equal" or "Greater" or "Less" or "GreaterOrEqual" or "LessOrEqual" && n.Input.Contains(input)))
        {
            var other = n.Input[0] == input ? n.Input[1] : n.Input[0];
            if (constants.GetValueOrDefault(other) is { } c && c.DataType is DType.Int64 or DType.Int32 && Tensors.ElementCount(c) == 1)
                values.Add((long)Tensors.ToFloatArray(c)[0]);
        }

        return [.. values.Distinct()];
    }
}
