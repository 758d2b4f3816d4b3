using EdgeBuild.Optimization.Data;
using EdgeBuild.Optimization.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace EdgeBuild.Optimization.Verification;

/// <summary>
/// The reference model's float outputs on every validation sample, computed once. The accuracy fallback compares
/// dozens of candidates with the same reference on the same samples: running the reference once instead of once per
/// attempt halves each attempt's inference (the values are the same: one session, same options, same inputs).
/// Holds samples × outputs tensors in memory (ISNet at 1024², 3 samples: about 90 MB), so only searches keep one;
/// a single check streams both models instead (ModelVerifier's byte[] overload).
/// </summary>
public sealed class ReferenceOutputs
{
    private readonly List<(float[] Values, long[] Shape)[]> _samples = [];

    private ReferenceOutputs(IReadOnlyList<string> names) => Names = names;

    /// <summary>The reference's float outputs, in the order every comparison lists them.</summary>
    public IReadOnlyList<string> Names { get; }

    public int Samples => _samples.Count;

    internal (float[] Values, long[] Shape) Get(int sample, int output) => _samples[sample][output];

    public static ReferenceOutputs Of(byte[] original, SampleSource samples) => Of(original, samples.Read());

    /// <summary>On samples already in memory (the made-up inputs of the check without data).</summary>
    public static ReferenceOutputs Of(byte[] original, IEnumerable<Sample> samples)
    {
        using var options = Sessions.Options(null);
        using var session = new InferenceSession(original, options);
        var result = new ReferenceOutputs(ModelVerifier.FloatOutputs(session));
        foreach (var sample in samples)
        {
            using var values = Sessions.Run(session, sample, result.Names);
            result._samples.Add(values.Select(v => (v.GetTensorDataAsSpan<float>().ToArray(), v.GetTensorTypeAndShape().Shape)).ToArray());
        }

        return result;
    }
}
