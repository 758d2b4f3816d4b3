using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Passes;

/// <summary>What a pass may need besides the graph: the model's opsets (to build helper models) and a log.</summary>
public sealed class PassContext(ModelProto model)
{
    public ModelProto Model { get; } = model;

    /// <summary>Human-readable notes on what passes skipped and why (goes into the report).</summary>
    public List<string> Notes { get; } = [];

    public long OpsetVersion(string domain = "") =>
        Model.OpsetImport.FirstOrDefault(o => o.Domain == domain || (domain.Length == 0 && o.Domain == "ai.onnx"))?.Version ?? 0;
}
