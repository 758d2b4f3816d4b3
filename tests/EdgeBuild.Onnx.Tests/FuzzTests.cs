using System.Diagnostics;
using EdgeBuild.Tests.Fuzzing;
using EdgeBuild.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeBuild.Onnx.Tests;

/// <summary>Acceptance 5: 2,000 corruptions of the real detector; only ModelFormatException may escape Load.</summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Only_ModelFormatException_escapes_loading_a_corrupted_detector()
    {
        var original = File.ReadAllBytes(TestAssets.Detector);
        var seed = ModelMutator.Seed;
        var iterations = ModelMutator.Iterations(2000);
        var clock = Stopwatch.StartNew();
        var rejected = 0;
        var escaped = new System.Collections.Concurrent.ConcurrentBag<string>();
        var folder = Path.GetTempPath();

        // Mutant i is the same bytes whatever thread makes it, so running them in parallel keeps failures reproducible.
        Parallel.For(0, iterations, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var (bytes, description) = ModelMutator.Mutate(original, seed, i);
            try
            {
                ModelFile.Load(new MemoryStream(bytes, writable: false), folder, $"mutant-{i}.onnx");
            }
            catch (ModelFormatException e)
            {
                Interlocked.Increment(ref rejected);
                if (!e.Message.StartsWith($"mutant-{i}.onnx: ", StringComparison.Ordinal)) escaped.Add($"mutant {i} ({description}): message does not name the file: {e.Message}");
            }
            catch (Exception e)
            {
                escaped.Add($"seed {seed}, mutant {i} ({description}): {e.GetType().FullName}: {e.Message}");
            }
        });

        output.WriteLine($"seed {seed}: {iterations} mutants, {rejected} rejected with ModelFormatException, {iterations - rejected - escaped.Count} still loadable, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(escaped.Count == 0, string.Join("\n", escaped.Order().Take(20)));
        Assert.True(rejected > iterations / 4, "the mutations should break most models; the mutator may be broken");
    }
}
