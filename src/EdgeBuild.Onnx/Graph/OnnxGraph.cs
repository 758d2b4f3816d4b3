using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.Graph;

/// <summary>
/// A mutable view over a <see cref="GraphProto"/> that answers the questions every pass asks
/// (who produces a value, who consumes it, is it a constant) and keeps those answers right while
/// the pass edits the graph. Edits go to the underlying proto; the view only indexes it.
/// Nodes are identified by reference: protobuf messages compare by value, so two identical nodes
/// would otherwise be confused.
/// </summary>
public sealed class OnnxGraph
{
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<NodeProto, string[]> _implicitInputs = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);

    public OnnxGraph(GraphProto graph)
    {
        Proto = graph ?? throw new ArgumentNullException(nameof(graph));
        foreach (var init in graph.Initializer) _initializers[init.Name] = init;
        foreach (var node in graph.Node) Index(node);
        foreach (var v in graph.Input) _usedNames.Add(v.Name);
        foreach (var v in graph.Output) _usedNames.Add(v.Name);
        foreach (var v in graph.ValueInfo) _usedNames.Add(v.Name);
        foreach (var t in graph.Initializer) _usedNames.Add(t.Name);
    }

    public GraphProto Proto { get; }

    public IReadOnlyList<NodeProto> Nodes => Proto.Node;

    public IEnumerable<TensorProto> Initializers => Proto.Initializer;

    /// <summary>The node whose output is <paramref name="value"/>, or null for graph inputs, initializers and outer-scope values.</summary>
    public NodeProto? Producer(string value) => _producers.GetValueOrDefault(value);

    /// <summary>Nodes reading <paramref name="value"/>, including nodes whose subgraphs (If/Loop/Scan bodies) read it implicitly.</summary>
    public IReadOnlyList<NodeProto> Consumers(string value) =>
        _consumers.TryGetValue(value, out var list) ? list : [];

    public bool IsGraphInput(string value) => Proto.Input.Any(i => i.Name == value) && !_initializers.ContainsKey(value);

    public bool IsGraphOutput(string value) => Proto.Output.Any(o => o.Name == value);

    public TensorProto? Initializer(string value) => _initializers.GetValueOrDefault(value);

    public bool IsInitializer(string value) => _initializers.ContainsKey(value);

    /// <summary>
    /// True when the value is an initializer that a user cannot override at run time. ONNX (IR ≥ 4)
    /// lets an initializer that is also listed as a graph input act as a default; such values are not constants.
    /// </summary>
    public bool IsConstant(string value) => _initializers.ContainsKey(value) && !Proto.Input.Any(i => i.Name == value);

    /// <summary>Declared type and shape from the graph's inputs, outputs or value_info, if any.</summary>
    public ValueInfoProto? ValueInfo(string value) =>
        Proto.Input.FirstOrDefault(v => v.Name == value)
        ?? Proto.Output.FirstOrDefault(v => v.Name == value)
        ?? Proto.ValueInfo.FirstOrDefault(v => v.Name == value);

    /// <summary>Element type of a value when known from value info or an initializer; 0 (UNDEFINED) otherwise.</summary>
    public int ElementTypeOf(string value)
    {
        if (_initializers.TryGetValue(value, out var init)) return init.DataType;
        var info = ValueInfo(value);
        return info?.Type?.TensorType?.ElemType ?? 0;
    }

    /// <summary>
    /// Marks names used elsewhere in the model (enclosing graphs, other If/Loop/Scan bodies) as taken, so
    /// <see cref="UniqueName"/> never returns one: ONNX names must stay unique across a model's graphs.
    /// </summary>
    public void ReserveNames(IEnumerable<string> names)
    {
        foreach (var name in names) _usedNames.Add(name);
    }

    /// <summary>A name not used by any value or initializer in this graph, based on <paramref name="hint"/>.</summary>
    public string UniqueName(string hint)
    {
        if (_usedNames.Add(hint)) return hint;
        for (var i = 1; ; i++)
        {
            var candidate = $"{hint}_{i}";
            if (_usedNames.Add(candidate)) return candidate;
        }
    }

    /// <summary>Nodes ordered so every value is produced before it is used; stable with respect to the stored order.</summary>
    public IReadOnlyList<NodeProto> TopologicalOrder()
    {
        var nodes = Proto.Node;
        var position = new Dictionary<NodeProto, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < nodes.Count; i++) position[nodes[i]] = i;

        var pending = new int[nodes.Count];
        var dependents = new List<int>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++) dependents[i] = [];
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var input in InputsOf(nodes[i]).Distinct(StringComparer.Ordinal))
            {
                if (_producers.TryGetValue(input, out var producer) && !ReferenceEquals(producer, nodes[i]))
                {
                    pending[i]++;
                    dependents[position[producer]].Add(i);
                }
            }
        }

        // A min-heap on the stored position keeps the order deterministic and close to the original.
        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (pending[i] == 0) ready.Enqueue(i, i);
        }

        var order = new List<NodeProto>(nodes.Count);
        while (ready.TryDequeue(out var i, out _))
        {
            order.Add(nodes[i]);
            foreach (var d in dependents[i])
            {
                if (--pending[d] == 0) ready.Enqueue(d, d);
            }
        }

        if (order.Count != nodes.Count)
        {
            var stuck = Enumerable.Range(0, nodes.Count).First(i => pending[i] > 0);
            throw new InvalidOperationException($"Graph '{Proto.Name}' has a cycle through node '{nodes[stuck].Name}' ({nodes[stuck].OpType}).");
        }

        return order;
    }

    /// <summary>Rewrites the stored node order to <see cref="TopologicalOrder"/> (ONNX requires it).</summary>
    public void SortTopologically()
    {
        var order = TopologicalOrder();
        Proto.Node.Clear();
        Proto.Node.AddRange(order);
    }

    /// <summary>Appends a node (callers that care about order call <see cref="SortTopologically"/> at the end).</summary>
    public void AddNode(NodeProto node) => InsertNode(Proto.Node.Count, node);

    public void InsertNode(int index, NodeProto node)
    {
        foreach (var output in node.Output)
        {
            if (output.Length > 0 && _producers.TryGetValue(output, out var existing) && !ReferenceEquals(existing, node))
                throw new InvalidOperationException($"Value '{output}' already has a producer ('{existing.Name}').");
        }

        Proto.Node.Insert(index, node);
        Index(node);
    }

    /// <summary>Inserts a node right after <paramref name="anchor"/>.</summary>
    public void InsertNodeAfter(NodeProto anchor, NodeProto node) => InsertNode(IndexOf(anchor) + 1, node);

    public void RemoveNode(NodeProto node)
    {
        var index = IndexOf(node);
        Unindex(node);
        Proto.Node.RemoveAt(index);
    }

    public int IndexOf(NodeProto node)
    {
        for (var i = 0; i < Proto.Node.Count; i++)
        {
            if (ReferenceEquals(Proto.Node[i], node)) return i;
        }

        throw new InvalidOperationException($"Node '{node.Name}' ({node.OpType}) is not in graph '{Proto.Name}'.");
    }

    /// <summary>Replaces input <paramref name="inputIndex"/> of <paramref name="node"/>, keeping the consumer index right.</summary>
    public void SetInput(NodeProto node, int inputIndex, string value)
    {
        Unindex(node);
        node.Input[inputIndex] = value;
        Index(node);
    }

    /// <summary>
    /// Sets output <paramref name="outputIndex"/> of <paramref name="node"/> ("" detaches it), keeping the
    /// producer index right. Readers of the old name are not touched.
    /// </summary>
    public void SetOutput(NodeProto node, int outputIndex, string value)
    {
        if (value.Length > 0 && _producers.TryGetValue(value, out var existing) && !ReferenceEquals(existing, node))
            throw new InvalidOperationException($"Value '{value}' already has a producer ('{existing.Name}').");
        Unindex(node);
        node.Output[outputIndex] = value;
        Index(node);
    }

    /// <summary>
    /// Makes every reader of <paramref name="oldValue"/> (nodes and graph outputs) read <paramref name="newValue"/>
    /// instead. Used when removing a pass-through node such as Identity.
    /// </summary>
    public void ReplaceAllUses(string oldValue, string newValue)
    {
        foreach (var consumer in Consumers(oldValue).ToList()) ReplaceUse(consumer, oldValue, newValue);

        foreach (var output in Proto.Output)
        {
            if (output.Name == oldValue) output.Name = newValue;
        }
    }

    /// <summary>
    /// Makes one reader of <paramref name="oldValue"/> read <paramref name="newValue"/> instead: its explicit inputs and
    /// the reads of its subgraphs (If/Loop/Scan bodies), keeping the consumer index right.
    /// </summary>
    public void ReplaceUse(NodeProto consumer, string oldValue, string newValue)
    {
        Unindex(consumer);
        for (var i = 0; i < consumer.Input.Count; i++)
        {
            if (consumer.Input[i] == oldValue) consumer.Input[i] = newValue;
        }

        foreach (var attr in consumer.Attribute) RenameInSubgraphs(attr, oldValue, newValue);
        Index(consumer);
    }

    /// <summary>Renames a value everywhere: its producer or initializer, its readers, graph I/O and value_info.</summary>
    public void RenameValue(string oldName, string newName)
    {
        if (oldName == newName) return;
        if (_producers.ContainsKey(newName) || _initializers.ContainsKey(newName))
            throw new InvalidOperationException($"Cannot rename '{oldName}' to '{newName}': the name is taken.");

        if (_producers.TryGetValue(oldName, out var producer))
        {
            Unindex(producer);
            for (var i = 0; i < producer.Output.Count; i++)
            {
                if (producer.Output[i] == oldName) producer.Output[i] = newName;
            }

            Index(producer);
        }

        if (_initializers.Remove(oldName, out var init))
        {
            init.Name = newName;
            _initializers[newName] = init;
        }

        ReplaceAllUses(oldName, newName);
        foreach (var v in Proto.Input.Concat(Proto.ValueInfo))
        {
            if (v.Name == oldName) v.Name = newName;
        }

        _usedNames.Add(newName);
    }

    public void AddInitializer(TensorProto tensor)
    {
        if (_initializers.ContainsKey(tensor.Name) || _producers.ContainsKey(tensor.Name))
            throw new InvalidOperationException($"Initializer '{tensor.Name}' would shadow an existing value.");
        Proto.Initializer.Add(tensor);
        _initializers[tensor.Name] = tensor;
        _usedNames.Add(tensor.Name);
    }

    /// <summary>Removes an initializer (and a graph input of the same name, the IR &lt; 4 convention).</summary>
    public void RemoveInitializer(string name)
    {
        if (!_initializers.Remove(name, out var tensor)) return;
        for (var i = 0; i < Proto.Initializer.Count; i++)
        {
            if (ReferenceEquals(Proto.Initializer[i], tensor))
            {
                Proto.Initializer.RemoveAt(i);
                break;
            }
        }

        for (var i = Proto.Input.Count - 1; i >= 0; i--)
        {
            if (Proto.Input[i].Name == name) Proto.Input.RemoveAt(i);
        }
    }

    /// <summary>Drops value_info entries for values nothing produces any more (they would confuse shape inference).</summary>
    public void RemoveStaleValueInfo()
    {
        for (var i = Proto.ValueInfo.Count - 1; i >= 0; i--)
        {
            var name = Proto.ValueInfo[i].Name;
            if (!_producers.ContainsKey(name)) Proto.ValueInfo.RemoveAt(i);
        }
    }

    /// <summary>Every value a node reads: its explicit inputs (non-empty) and values its subgraphs take from this scope.</summary>
    public IEnumerable<string> InputsOf(NodeProto node)
    {
        foreach (var input in node.Input)
        {
            if (input.Length > 0) yield return input;
        }

        if (_implicitInputs.TryGetValue(node, out var implicitInputs))
        {
            foreach (var input in implicitInputs) yield return input;
        }
    }

    private void Index(NodeProto node)
    {
        foreach (var output in node.Output)
        {
            if (output.Length == 0) continue;
            _producers[output] = node;
            _usedNames.Add(output);
        }

        var implicitInputs = SubgraphScope.OuterScopeReads(node);
        if (implicitInputs.Length > 0) _implicitInputs[node] = implicitInputs;
        else _implicitInputs.Remove(node);

        foreach (var input in InputsOf(node).Distinct(StringComparer.Ordinal))
        {
            if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = [];
            list.Add(node);
            _usedNames.Add(input);
        }
    }

    private void Unindex(NodeProto node)
    {
        foreach (var output in node.Output)
        {
            if (output.Length > 0 && _producers.TryGetValue(output, out var p) && ReferenceEquals(p, node)) _producers.Remove(output);
        }

        foreach (var input in InputsOf(node).Distinct(StringComparer.Ordinal))
        {
            if (_consumers.TryGetValue(input, out var list))
            {
                list.RemoveAll(n => ReferenceEquals(n, node));
                if (list.Count == 0) _consumers.Remove(input);
            }
        }

        _implicitInputs.Remove(node);
    }

    private static void RenameInSubgraphs(AttributeProto attr, string oldName, string newName)
    {
        if (attr.G is { } g) SubgraphScope.RenameOuterRead(g, oldName, newName);
        foreach (var sub in attr.Graphs) SubgraphScope.RenameOuterRead(sub, oldName, newName);
    }
}
