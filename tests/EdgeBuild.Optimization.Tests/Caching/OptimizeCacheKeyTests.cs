using System.Reflection;
using EdgeBuild.Optimization.Caching;
using EdgeBuild.Optimization.Profiles;
using EdgeBuild.Optimization.Tests.Support;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Caching;

/// <summary>The key is derived from the whole request: every property changes it unless OptimizeCacheKey lists it.</summary>
public sealed class OptimizeCacheKeyTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private OptimizeRequest Request()
    {
        var model = _dir.File("cls.onnx");
        if (!File.Exists(model)) File.Copy(TestAssets.Classifier, model);
        return new OptimizeRequest { ModelPath = model, OutputPath = _dir.File("out/cls.onnx"), TargetId = "rpi5", Precision = "int8" };
    }

    private static string Key(OptimizeRequest request) => OptimizeCacheKey.For(request, ProfileCatalog.Get("rpi5"));

    [Fact]
    public void Dynamic_and_static_int8_of_the_same_model_data_and_output_are_different_entries()
    {
        var request = Request();
        Assert.NotEqual(Key(request), Key(request with { Dynamic = true }));
    }

    [Fact]
    public void Inline_and_external_data_outputs_are_different_entries()
    {
        var request = Request();
        Assert.NotEqual(Key(request), Key(request with { ExternalData = true }));
    }

    [Fact]
    public void Output_folder_report_path_and_progress_do_not_change_the_key_but_the_output_file_name_does()
    {
        var request = Request();
        var key = Key(request);
        Assert.Equal(key, Key(request with { OutputPath = _dir.File("elsewhere/cls.onnx"), ReportPath = _dir.File("r.json"), Progress = new Progress<Reporting.ProgressEvent>() }));
        Assert.NotEqual(key, Key(request with { OutputPath = _dir.File("out/other.onnx") }));
    }

    /// <summary>
    /// Changes each request property that is not keyed by content and asserts the key follows, or stays for the
    /// properties OptimizeCacheKey.NotKeyed lists. A new property of a type this test cannot change fails here:
    /// add a change for its type.
    /// </summary>
    [Fact]
    public void Every_request_property_is_keyed_or_listed_as_not_changing_the_output()
    {
        var request = Request();
        var key = Key(request);
        var unkeyed = new List<string>();
        foreach (var property in typeof(OptimizeRequest).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (OptimizeCacheKey.KeyedByContent.Contains(property.Name)) continue;
            var changed = With(request, property, Changed(property, property.GetValue(request)));
            var same = Key(changed) == key;
            if (OptimizeCacheKey.NotKeyed.ContainsKey(property.Name)) Assert.True(same, $"{property.Name} is listed as not keyed but changes the key");
            else if (same) unkeyed.Add(property.Name);
        }

        Assert.True(unkeyed.Count == 0, $"request properties neither keyed nor listed in OptimizeCacheKey.NotKeyed: {string.Join(", ", unkeyed)}");
    }

    [Fact]
    public void Properties_keyed_by_content_are_keyed_through_what_they_name()
    {
        var request = Request();
        var other = _dir.File("other.onnx");
        File.Copy(TestAssets.Detector, other);
        Assert.NotEqual(Key(request), Key(request with { ModelPath = other }));
        var calib = _dir.File("calib");
        Directory.CreateDirectory(calib);
        File.Copy(Directory.EnumerateFiles(TestAssets.ImagesDir, "*.png").Order(StringComparer.Ordinal).First(), Path.Combine(calib, "a.png"));
        Assert.NotEqual(Key(request), Key(request with { CalibrationData = calib }));
        Assert.NotEqual(Key(request), Key(request with { ValidationData = calib }));
        Assert.NotEqual(Key(request), OptimizeCacheKey.For(request, ProfileCatalog.Get("rpi4")));
    }

    private static OptimizeRequest With(OptimizeRequest request, PropertyInfo property, object? value)
    {
        // Records clone through their copy constructor; init-only setters are callable by reflection.
        var clone = request with { };
        property.SetValue(clone, value);
        return clone;
    }

    private static object? Changed(PropertyInfo property, object? value)
    {
        var type = property.PropertyType;
        if (type == typeof(bool)) return !(bool)value!;
        if (type == typeof(double)) return (double)value! + 1.5;
        if (type == typeof(int?)) return ((int?)value ?? 0) + 7;
        if (type == typeof(double?)) return ((double?)value ?? 0) + 90;
        if (type == typeof(string)) return (string?)value + "-changed";
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            foreach (var candidate in values) if (!candidate.Equals(value)) return candidate;
        }

        if (type == typeof(IReadOnlyList<string>)) return new List<string>((IReadOnlyList<string>)value!) { "changed" };
        if (type == typeof(IReadOnlyDictionary<string, long>))
            return new Dictionary<string, long>((IReadOnlyDictionary<string, long>)value!) { ["changed"] = 7 };
        if (type == typeof(IProgress<Reporting.ProgressEvent>)) return new Progress<Reporting.ProgressEvent>();
        throw new NotSupportedException($"OptimizeRequest.{property.Name} has type {type}; teach this test to change it");
    }
}
