using EdgeBuild.Runtime.Tests.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeBuild.Runtime.Tests;

/// <summary>Generated wrappers over the tiny models: loading paths, every element type, the allocating path, errors.</summary>
public sealed class TinyWrapperTests
{
    [Fact]
    public void Create_loads_the_model_from_the_output_folder_and_computes()
    {
        using var model = TinyAffine.Create();
        for (var i = 0; i < 16; i++) model.Inputs.X[i] = i;
        model.Run();

        for (var i = 0; i < 16; i++) Assert.Equal(i * 2f + 1f, model.Outputs.Y[i]);
    }

    [Fact]
    public void Embedded_model_loads_from_the_assembly_resource()
    {
        using var model = TinyAffineEmbedded.Create();
        model.Inputs.X.Fill(3f);
        model.Run();

        Assert.All(model.Outputs.Y.ToArray(), y => Assert.Equal(7f, y));
        Assert.Equal("EdgeBuild.Runtime.Tests.tiny_affine.onnx", TinyAffineEmbedded.ModelInfo.ResourceName);
    }

    [Fact]
    public void Stream_overload_checks_the_hash_too()
    {
        using (var ok = TinyAffine.Create(new MemoryStream(File.ReadAllBytes(Path.Combine(TinyModels.Dir, "tiny_affine.onnx")))))
        {
            ok.Run();
        }

        var other = File.ReadAllBytes(Path.Combine(TinyModels.Dir, "dynamic_batch.onnx"));
        var e = Assert.Throws<EdgeModelIntegrityException>(() => TinyAffine.Create(new MemoryStream(other)));
        Assert.Equal("<stream>", e.ModelSource);
    }

    [Fact]
    public void Missing_model_file_names_the_path_and_the_fix()
    {
        var path = Path.Combine(TinyModels.Dir, "not-there.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => TinyAffine.Create(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("EdgeModel item", e.Message);
    }

    [Fact]
    public void A_model_with_another_signature_is_rejected_at_load_when_the_hash_check_is_off()
    {
        var path = Path.Combine(TinyModels.Dir, "dynamic_batch.onnx");
        var e = Assert.Throws<InvalidOperationException>(() => TinyAffine.Create(path, new EdgeSessionOptions { VerifyModelHash = false }));
        Assert.Contains("input 'x' has shape [-1, 4], expected [1, 16]", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Every_element_type_round_trips_and_equals_raw_onnx_runtime()
    {
        using var model = MixedTypes.Create();
        var i = model.Inputs;
        for (var k = 0; k < 6; k++)
        {
            i.HalfIn[k] = (Half)(k * 0.5f);
            i.LongIn[k] = 1L << (30 + k);
            i.Mask[k] = k % 2 == 0;
        }

        new[] { 1.5, -2.25, 1e300 }.CopyTo(i.DoubleIn);
        new sbyte[] { -128, -1, 0, 127 }.CopyTo(i.SbyteIn);
        new byte[] { 0, 1, 128, 255 }.CopyTo(i.ByteIn);
        new short[] { short.MinValue, -1, 1, short.MaxValue }.CopyTo(i.ShortIn);
        new[] { -7, 0, 7, 1 << 29 }.CopyTo(i.IntIn);
        new[] { -1f, 0f, 0.5f, float.MaxValue, -float.Epsilon }.CopyTo(i.FloatIn);
        model.Run();

        var o = model.Outputs;
        Assert.Equal(i.HalfIn.ToArray(), o.HalfOut.ToArray());
        Assert.Equal(i.LongIn.ToArray().Select(v => v * 2), o.LongOut.ToArray());
        Assert.Equal(i.Mask.ToArray().Select(v => !v), o.NotMask.ToArray());
        Assert.Equal(new[] { 3.0, -4.5, 2e300 }, o.DoubleOut.ToArray());
        Assert.Equal(i.SbyteIn.ToArray(), o.SbyteOut.ToArray());
        Assert.Equal(i.ByteIn.ToArray(), o.ByteOut.ToArray());
        Assert.Equal(i.ShortIn.ToArray(), o.ShortOut.ToArray());
        Assert.Equal(new[] { -14, 0, 14, 1 << 30 }, o.IntOut.ToArray());
        Assert.Equal(new[] { 0f, 0f, 0.5f, float.MaxValue, 0f }, o.FloatOut.ToArray());

        // Same inputs through ONNX Runtime's own API, element for element.
        using var raw = new InferenceSession(Path.Combine(TinyModels.Dir, "mixed_types.onnx"));
        var names = MixedTypes.ModelInfo.Inputs.Select(t => t.Name).ToArray();
        var values = new[]
        {
            OrtValue.CreateTensorValueFromMemory(i.HalfIn.ToArray().Select(h => (Float16)(float)h).ToArray(), new long[] { 2, 3 }),
            OrtValue.CreateTensorValueFromMemory(i.LongIn.ToArray(), new long[] { 2, 3 }),
            OrtValue.CreateTensorValueFromMemory(i.Mask.ToArray(), new long[] { 2, 3 }),
            OrtValue.CreateTensorValueFromMemory(i.DoubleIn.ToArray(), new long[] { 3 }),
            OrtValue.CreateTensorValueFromMemory(i.SbyteIn.ToArray(), new long[] { 4 }),
            OrtValue.CreateTensorValueFromMemory(i.ByteIn.ToArray(), new long[] { 4 }),
            OrtValue.CreateTensorValueFromMemory(i.ShortIn.ToArray(), new long[] { 4 }),
            OrtValue.CreateTensorValueFromMemory(i.IntIn.ToArray(), new long[] { 4 }),
            OrtValue.CreateTensorValueFromMemory(i.FloatIn.ToArray(), new long[] { 5 }),
        };
        using var results = raw.Run(new RunOptions(), names, values, MixedTypes.ModelInfo.Outputs.Select(t => t.Name).ToArray());
        foreach (var v in values) v.Dispose();

        Assert.Equal(results[0].GetTensorDataAsSpan<Float16>().ToArray().Select(h => (float)h), o.HalfOut.ToArray().Select(h => (float)h));
        Assert.Equal(results[1].GetTensorDataAsSpan<long>().ToArray(), o.LongOut.ToArray());
        Assert.Equal(results[2].GetTensorDataAsSpan<bool>().ToArray(), o.NotMask.ToArray());
        Assert.Equal(results[3].GetTensorDataAsSpan<double>().ToArray(), o.DoubleOut.ToArray());
        Assert.Equal(results[4].GetTensorDataAsSpan<sbyte>().ToArray(), o.SbyteOut.ToArray());
        Assert.Equal(results[5].GetTensorDataAsSpan<byte>().ToArray(), o.ByteOut.ToArray());
        Assert.Equal(results[6].GetTensorDataAsSpan<short>().ToArray(), o.ShortOut.ToArray());
        Assert.Equal(results[7].GetTensorDataAsSpan<int>().ToArray(), o.IntOut.ToArray());
        Assert.Equal(results[8].GetTensorDataAsSpan<float>().ToArray(), o.FloatOut.ToArray());
        Assert.Equal(TensorElementType.Float16, MixedTypes.ModelInfo.Inputs[0].ElementType);
    }

    [Fact]
    public void Allocating_path_accepts_other_sizes_of_named_axes_only()
    {
        using var model = DynamicBatch.Create();
        var x = Enumerable.Range(0, 5 * 4).Select(v => v % 3 == 0 ? -v : (float)v).ToArray();

        var outputs = model.RunDynamic(x, new long[] { 5, 4 });

        Assert.Equal(new long[] { 5, 4 }, outputs.YShape);
        Assert.Equal(x.Select(v => Math.Max(v, 0f)), outputs.Y);
        Assert.Contains("rank 2", Assert.Throws<ArgumentException>(() => model.RunDynamic(x, new long[] { 20 })).Message);
        Assert.Contains("only named axes may change", Assert.Throws<ArgumentException>(() => model.RunDynamic(x, new long[] { 4, 5 })).Message);
        Assert.Contains("needs 24 elements; got 20", Assert.Throws<ArgumentException>(() => model.RunDynamic(x, new long[] { 6, 4 })).Message);
        Assert.Contains("only named axes may change", Assert.Throws<ArgumentException>(() => model.RunDynamic(x, new long[] { 0, 4 })).Message);
    }

    [Fact]
    public void Bound_path_keeps_working_after_an_allocating_run()
    {
        using var model = DynamicBatch.Create();
        model.RunDynamic(new float[12], new long[] { 3, 4 });
        model.Inputs.X.Fill(-1f);
        model.Inputs.X[7] = 5f;
        model.Run();

        Assert.Equal(5f, model.Outputs.Y[7]);
        Assert.Equal(0f, model.Outputs.Y[0]);
    }

    [Fact]
    public void Run_after_Dispose_throws_ObjectDisposedException()
    {
        var model = TinyAffine.Create();
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Run());
    }

    [Fact]
    public void Tiny_wrapper_allocates_nothing_per_run()
    {
        using var model = TinyAffine.Create();
        model.Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++) model.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
