using EdgeBuild.Onnx.Graph;

namespace EdgeBuild.Optimization.Passes;

/// <summary>One graph rewrite. Passes are small, independent and safe to run repeatedly until none changes anything.</summary>
public interface IGraphPass
{
    string Name { get; }

    /// <summary>Rewrites <paramref name="graph"/> in place and returns how many rewrites it made (0: nothing to do).</summary>
    int Run(OnnxGraph graph, PassContext context);
}
