using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.IO;

/// <summary>Finds every TensorProto in a model: initializers and attribute tensors, in subgraphs and functions too.</summary>
public static class ModelTensors
{
    /// <summary>Every graph in the model: the main graph, If/Loop/Scan bodies (recursively), training graphs.</summary>
    public static IEnumerable<GraphProto> Graphs(ModelProto model)
    {
        var result = new List<GraphProto>();
        if (model.Graph is not null) AddGraph(model.Graph, result);
        foreach (var training in model.TrainingInfo)
        {
            if (training.Initialization is not null) AddGraph(training.Initialization, result);
            if (training.Algorithm is not null) AddGraph(training.Algorithm, result);
        }

        foreach (var function in model.Functions) AddNodeSubgraphs(function.Node, result);
        return result;
    }

    /// <summary>The graph followed by every graph nested in its nodes' attributes, depth first.</summary>
    public static List<GraphProto> WithSubgraphs(GraphProto graph)
    {
        var result = new List<GraphProto>();
        AddGraph(graph, result);
        return result;
    }

    /// <summary>Initializers of every graph (incl. sparse initializers' values and indices).</summary>
    public static IEnumerable<TensorProto> Initializers(ModelProto model)
    {
        foreach (var graph in Graphs(model))
        {
            foreach (var t in graph.Initializer) yield return t;
            foreach (var s in graph.SparseInitializer)
            {
                if (s.Values is not null) yield return s.Values;
                if (s.Indices is not null) yield return s.Indices;
            }
        }
    }

    /// <summary>Initializers plus tensors held by node attributes (Constant values and the like), in every graph and function.</summary>
    public static IEnumerable<TensorProto> All(ModelProto model)
    {
        foreach (var t in Initializers(model)) yield return t;
        foreach (var graph in Graphs(model))
            foreach (var t in AttributeTensors(graph.Node)) yield return t;
        foreach (var function in model.Functions)
            foreach (var t in AttributeTensors(function.Node)) yield return t;
    }

    private static IEnumerable<TensorProto> AttributeTensors(IEnumerable<NodeProto> nodes)
    {
        foreach (var node in nodes)
        {
            foreach (var a in node.Attribute)
            {
                if (a.T is not null) yield return a.T;
                foreach (var t in a.Tensors) yield return t;
                if (a.SparseTensor is not null)
                {
                    if (a.SparseTensor.Values is not null) yield return a.SparseTensor.Values;
                    if (a.SparseTensor.Indices is not null) yield return a.SparseTensor.Indices;
                }

                foreach (var s in a.SparseTensors)
                {
                    if (s.Values is not null) yield return s.Values;
                    if (s.Indices is not null) yield return s.Indices;
                }
            }
        }
    }

    private static void AddGraph(GraphProto graph, List<GraphProto> result)
    {
        result.Add(graph);
        AddNodeSubgraphs(graph.Node, result);
    }

    private static void AddNodeSubgraphs(IEnumerable<NodeProto> nodes, List<GraphProto> result)
    {
        foreach (var node in nodes)
        {
            foreach (var a in node.Attribute)
            {
                if (a.G is not null) AddGraph(a.G, result);
                foreach (var g in a.Graphs) AddGraph(g, result);
            }
        }
    }
}
