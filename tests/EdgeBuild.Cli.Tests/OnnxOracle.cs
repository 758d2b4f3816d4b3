using System.Diagnostics;
using System.Text.Json;

namespace EdgeBuild.Cli.Tests;

/// <summary>
/// An independent reading of a model by the reference implementation (Debian's python3-onnx): inputs, outputs,
/// op histogram over every subgraph, parameter totals. The inspect tests compare against it instead of
/// numbers copied from our own output.
/// </summary>
internal static class OnnxOracle
{
    private const string Script = """
        import sys, json, collections, onnx
        from onnx import helper, numpy_helper
        m = onnx.load(sys.argv[1])
        ops = collections.Counter()
        params = collections.defaultdict(lambda: [0, 0])
        def walk(g):
            for t in g.initializer: add(t)
            for n in g.node:
                ops[n.op_type if n.domain in ("", "ai.onnx") else n.domain + ":" + n.op_type] += 1
                for a in n.attribute:
                    if n.op_type == "Constant" and a.name == "value": add(a.t)
                    if a.type == onnx.AttributeProto.GRAPH: walk(a.g)
                    for sg in a.graphs: walk(sg)
        def add(t):
            count = 1
            for d in t.dims: count *= d
            params[t.data_type][0] += count
            params[t.data_type][1] += len(t.raw_data) if t.HasField("raw_data") else numpy_helper.to_array(t).nbytes
        walk(m.graph)
        inits = {t.name for t in m.graph.initializer}
        def value(v):
            tt = v.type.tensor_type
            dims = [d.dim_param if d.HasField("dim_param") else (d.dim_value if d.HasField("dim_value") else None) for d in tt.shape.dim] if v.type.HasField("tensor_type") and tt.HasField("shape") else None
            return {"name": v.name, "elem": tt.elem_type if v.type.HasField("tensor_type") else None, "dims": dims}
        print(json.dumps({
            "ir": m.ir_version,
            "opsets": [[o.domain, o.version] for o in m.opset_import],
            "inputs": [value(v) for v in m.graph.input if v.name not in inits],
            "outputs": [value(v) for v in m.graph.output],
            "ops": ops,
            "params": {str(k): v for k, v in params.items()},
        }))
        """;

    public static JsonElement Read(string modelPath)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(modelPath);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"onnx oracle failed on {modelPath}: {stderr.Result}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    /// <summary>Debian's python3 (with python3-onnx); a python3 earlier on PATH (pyenv, venv) usually lacks it.</summary>
    private static readonly string Python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}
