namespace EdgeBuild.Cli.Tests.Reliability;

/// <summary>
/// One hostile model: the .onnx bytes plus any files that sit next to it (external data). The name says how it
/// was made (seed + mutation + parameters), so a failing input can be rebuilt from the fuzz log alone.
/// </summary>
internal sealed record HostileInput(string Name, string Family, byte[] ModelBytes, IReadOnlyDictionary<string, byte[]> SideFiles)
{
    public HostileInput(string name, string family, byte[] modelBytes)
        : this(name, family, modelBytes, new Dictionary<string, byte[]>())
    {
    }

    /// <summary>Writes the model as model.onnx (and its side files) into a fresh folder; returns the model path.</summary>
    public string WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in SideFiles) File.WriteAllBytes(Path.Combine(folder, name), bytes);
        var path = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(path, ModelBytes);
        return path;
    }
}
