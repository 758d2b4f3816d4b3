using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;
using EdgeBuild.Optimization.Passes;

namespace EdgeBuild.Optimization.Tests.Support;

internal static class PassRunner
{
    /// <summary>Runs one pass on a copy of the model and returns the copy and the pass's rewrite count.</summary>
    public static (ModelProto Model, int Changes) Apply(IGraphPass pass, ModelProto model)
    {
        var copy = model.Clone();
        var changes = pass.Run(new OnnxGraph(copy.Graph), new PassContext(copy));
        return (copy, changes);
    }

    /// <summary>Runs the whole cleanup pipeline on a copy of the model.</summary>
    public static ModelProto Cleanup(ModelProto model)
    {
        var copy = model.Clone();
        CleanupPipeline.Run(new OnnxGraph(copy.Graph), new PassContext(copy));
        return copy;
    }

    public static string[] OpTypes(ModelProto model) => model.Graph.Node.Select(n => n.OpType).ToArray();
}
