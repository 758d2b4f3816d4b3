using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Optimization.Caching;

/// <summary>
/// The content address of one optimization: SHA-256 over everything that can change its result —
/// the model's bytes and its external-data files, the calibration and validation files (relative
/// path + contents, sorted), the resolved profile and the options (canonical JSON), and the tool
/// and ONNX Runtime versions. Paths of the model and of data roots are not part of it, so a
/// checkout in another folder or another CI agent hits the same entries.
/// </summary>
public sealed class CacheKeyBuilder
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>EdgeBuild's version and ORT's: a new tool may optimize differently, so it misses.</summary>
    public static string DefaultToolVersion { get; } =
        $"edgebuild {Version(typeof(CacheKeyBuilder).Assembly)}; onnxruntime {Version(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly)}";

    public CacheKeyBuilder AddModel(string modelPath)
    {
        Field("model", HashFile(modelPath));
        foreach (var relative in ExternalDataFiles(modelPath))
        {
            var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, relative);
            Field("external:" + relative.Replace('\\', '/'), File.Exists(path) ? HashFile(path) : "missing");
        }

        return this;
    }

    /// <summary>A data argument (file, folder or glob) under a role name such as "calibration"; null adds "none".</summary>
    public CacheKeyBuilder AddData(string role, string? spec)
    {
        if (spec is null)
        {
            Field(role, "none");
            return this;
        }

        var set = DataFileSet.Expand(spec);
        Field(role + ":count", set.Files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var file in set.Files) Field($"{role}:{file.RelativePath}", HashFile(file.FullPath));
        return this;
    }

    public CacheKeyBuilder AddProfile(DeviceProfile profile) => AddJson("profile", ProfileJson.ToNode(profile));

    public CacheKeyBuilder AddJson(string role, JsonNode? json) => AddText(role, CanonicalJson.ToText(json));

    public CacheKeyBuilder AddText(string role, string value)
    {
        Field(role, value);
        return this;
    }

    public CacheKeyBuilder AddToolVersion(string? version = null) => AddText("tool", version ?? DefaultToolVersion);

    /// <summary>Lower-case hex SHA-256.</summary>
    public string Build() => Convert.ToHexString(_hash.GetHashAndReset()).ToLowerInvariant();

    /// <summary>Length-prefixed name and value, so ("ab","c") and ("a","bc") never collide.</summary>
    private void Field(string name, string value)
    {
        foreach (var part in new[] { name, value })
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            _hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
            _hash.AppendData(bytes);
        }
    }

    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    /// <summary>
    /// Relative paths of the external-data files the model's tensors point at (ONNX external data:
    /// data_location EXTERNAL, key "location"), in subgraphs too. An unreadable model yields none:
    /// its bytes are still hashed and the pipeline reports the real error.
    /// </summary>
    public static IReadOnlyList<string> ExternalDataFiles(string modelPath)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(modelPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or IOException)
        {
            return [];
        }

        var locations = new SortedSet<string>(StringComparer.Ordinal);
        if (model.Graph is not null) Collect(model.Graph, locations);
        return [.. locations];
    }

    private static void Collect(GraphProto graph, SortedSet<string> locations)
    {
        foreach (var tensor in graph.Initializer) AddLocation(tensor, locations);
        foreach (var node in graph.Node)
        foreach (var attribute in node.Attribute)
        {
            if (attribute.T is not null) AddLocation(attribute.T, locations);
            foreach (var t in attribute.Tensors) AddLocation(t, locations);
            if (attribute.G is not null) Collect(attribute.G, locations);
            foreach (var g in attribute.Graphs) Collect(g, locations);
        }
    }

    private static void AddLocation(TensorProto tensor, SortedSet<string> locations)
    {
        if (tensor.DataLocation != TensorProto.Types.DataLocation.External) return;
        var location = tensor.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value;
        if (!string.IsNullOrEmpty(location)) locations.Add(location);
    }

    private static string Version(System.Reflection.Assembly assembly) =>
        assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
