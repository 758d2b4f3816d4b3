namespace EdgeBuild.Integration.Tests.Infrastructure;

/// <summary>How the consumer projects declare the real PP-OCRv4 detector.</summary>
internal static class Detector
{
    /// <summary>Small enough to keep calibration and the app's run quick on 2 cores.</summary>
    public const int Size = 320;

    /// <summary>
    /// The detector's dims are named p2o.DynamicDimension.0..5 (N, H, W of the input, then of the output).
    /// </summary>
    public const string Dims = "p2o.DynamicDimension.0=1;p2o.DynamicDimension.1=320;p2o.DynamicDimension.2=320;p2o.DynamicDimension.3=1;p2o.DynamicDimension.4=320;p2o.DynamicDimension.5=320";

    /// <summary>Quantized with the calibration samples, as issue 4's consumer declares it.</summary>
    public const string Precision = "int8";

    /// <summary>
    /// No accuracy fallback: these tests check the build integration (what runs when, what lands where), not the
    /// quantized detector's accuracy, which samples/TextDetection checks on real images (SampleChecksTests). Full int8
    /// needs one calibration and one verification; the fallback's search would add dozens of verification runs
    /// to every optimizing build here.
    /// </summary>
    public const string MinSqnrDb = "0";

    /// <summary>Writes the calibration samples and a Program.cs that feeds one of them to the generated wrapper.</summary>
    public static void AddCalibrationAndApp(ConsumerProject project, int samples = 3)
    {
        foreach (var image in NpySamples.Images.Take(samples))
            NpySamples.Write(Path.Combine(project.Directory, "calib", Path.ChangeExtension(image, ".npy")), image, Size);
        project.WriteFile("Program.cs", $$"""
            // Runs the generated TextDetector wrapper on one calibration sample (.npy float32 NCHW) and prints the map's summary.
            var bytes = File.ReadAllBytes(args[0]);
            var headerLength = BitConverter.ToUInt16(bytes, 8);
            var pixels = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(10 + headerLength));

            using var detector = {{project.Name}}.TextDetector.Create();
            pixels.CopyTo(detector.Inputs.X);
            detector.Run();
            var map = detector.Outputs.Sigmoid0Tmp0;
            var text = 0;
            foreach (var p in map) if (p > 0.3f) text++;
            Console.WriteLine($"TextDetector ran: {map.Length} probabilities, {text} above 0.3");
            """);
    }

    /// <summary>Graph cleanup only, no calibration data: for tests about when the tool runs, not about what it does.</summary>
    public static string CleanupOnlyItem() =>
        $"""    <EdgeModel Include="models/det.onnx" TargetDevice="rpi5" ClassName="TextDetector" Dims="{Dims}" Precision="none" />""";

    public static string Item(string extra = "") =>
        $"""    <EdgeModel Include="models/det.onnx" TargetDevice="rpi5" ClassName="TextDetector" Dims="{Dims}" CalibrationData="calib/*.npy" Precision="{Precision}" MinSqnrDb="{MinSqnrDb}" {extra} />""";
}
