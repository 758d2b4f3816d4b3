using EdgeBuild.Onnx.Graph;
using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Onnx.Tests.Graph;

public class OnnxGraphTests
{
    // x -> Relu(a) -> Identity(b) -> Add(b, w) -> y ; plus a dead Neg on x.
    private static ModelProto Chain() => new ModelBuilder()
        .Input("x", DType.Float, "N", 4)
        .Initializer("w", [1, 2, 3, 4], 4)
        .Node("Relu", ["x"], ["a"], name: "relu")
        .Node("Identity", ["a"], ["b"], name: "id")
        .Node("Add", ["b", "w"], ["y"], name: "add")
        .Node("Neg", ["x"], ["dead"], name: "neg")
        .Output("y", DType.Float, "N", 4)
        .Build();

    [Fact]
    public void Producers_and_consumers_are_indexed()
    {
        var g = new OnnxGraph(Chain().Graph);

        Assert.Equal("relu", g.Producer("a")!.Name);
        Assert.Null(g.Producer("x"));
        Assert.Null(g.Producer("w"));
        Assert.Equal(["relu", "neg"], g.Consumers("x").Select(n => n.Name));
        Assert.Equal(["add"], g.Consumers("w").Select(n => n.Name));
        Assert.Empty(g.Consumers("y"));
        Assert.True(g.IsGraphInput("x"));
        Assert.True(g.IsGraphOutput("y"));
        Assert.True(g.IsConstant("w"));
        Assert.False(g.IsConstant("x"));
        Assert.Equal(DType.Float, g.ElementTypeOf("x"));
        Assert.Equal(DType.Float, g.ElementTypeOf("w"));
    }

    [Fact]
    public void Topological_order_repairs_a_shuffled_graph_and_is_stable()
    {
        var model = Chain();
        var nodes = model.Graph.Node.Reverse().ToList();
        model.Graph.Node.Clear();
        model.Graph.Node.AddRange(nodes); // neg, add, id, relu

        var g = new OnnxGraph(model.Graph);
        var order = g.TopologicalOrder().Select(n => n.Name).ToList();

        Assert.Equal(["neg", "relu", "id", "add"], order);
        g.SortTopologically();
        Assert.Equal(order, model.Graph.Node.Select(n => n.Name));
    }

    [Fact]
    public void Topological_order_reports_a_cycle_by_node_name()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1)
            .Node("Add", ["x", "q"], ["p"], name: "first")
            .Node("Relu", ["p"], ["q"], name: "second")
            .Output("q", DType.Float, 1)
            .Build();

        var e = Assert.Throws<InvalidOperationException>(() => new OnnxGraph(model.Graph).TopologicalOrder());
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void Removing_a_pass_through_node_rewires_its_readers()
    {
        var model = Chain();
        var g = new OnnxGraph(model.Graph);
        var identity = g.Producer("b")!;

        g.ReplaceAllUses("b", "a");
        g.RemoveNode(identity);

        Assert.Equal(["relu", "add", "neg"], model.Graph.Node.Select(n => n.Name));
        Assert.Equal(["a", "w"], model.Graph.Node[1].Input);
        Assert.Equal(["add"], g.Consumers("a").Select(n => n.Name));
        Assert.Null(g.Producer("b"));
        Assert.Empty(g.Consumers("b"));
    }

    [Fact]
    public void Replacing_uses_of_a_graph_output_renames_the_output()
    {
        var model = Chain();
        var g = new OnnxGraph(model.Graph);

        g.ReplaceAllUses("y", "b");

        Assert.Equal("b", model.Graph.Output[0].Name);
    }

    [Fact]
    public void Renaming_a_value_updates_producer_readers_and_outputs()
    {
        var model = Chain();
        var g = new OnnxGraph(model.Graph);

        g.RenameValue("y", "result");
        g.RenameValue("w", "bias");

        Assert.Equal("result", model.Graph.Output[0].Name);
        Assert.Equal("add", g.Producer("result")!.Name);
        Assert.Equal(["b", "bias"], g.Producer("result")!.Input);
        Assert.True(g.IsInitializer("bias"));
        Assert.False(g.IsInitializer("w"));
        Assert.Throws<InvalidOperationException>(() => g.RenameValue("a", "b"));
    }

    [Fact]
    public void Inserting_a_node_indexes_it_and_rejects_a_second_producer()
    {
        var model = Chain();
        var g = new OnnxGraph(model.Graph);
        var relu = g.Producer("a")!;
        var sigmoid = new NodeProto { Name = "sig", OpType = "Sigmoid", Input = { "a" }, Output = { "s" } };

        g.InsertNodeAfter(relu, sigmoid);

        Assert.Equal(1, g.IndexOf(sigmoid));
        Assert.Same(sigmoid, g.Producer("s"));
        Assert.Contains(sigmoid, g.Consumers("a"));
        var clash = new NodeProto { Name = "clash", OpType = "Relu", Input = { "x" }, Output = { "s" } };
        Assert.Throws<InvalidOperationException>(() => g.AddNode(clash));
    }

    [Fact]
    public void Nodes_are_identified_by_reference_not_by_value()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1)
            .Node("Relu", ["x"], [""], name: "same")
            .Node("Relu", ["x"], [""], name: "same")
            .Node("Relu", ["x"], ["y"], name: "out")
            .Output("y", DType.Float, 1)
            .Build();
        var g = new OnnxGraph(model.Graph);
        var second = model.Graph.Node[1];

        g.RemoveNode(second);

        Assert.Equal(2, model.Graph.Node.Count);
        Assert.DoesNotContain(g.Consumers("x"), n => ReferenceEquals(n, second));
        Assert.Equal(2, g.Consumers("x").Count);
    }

    [Fact]
    public void Values_read_inside_subgraphs_count_as_consumed()
    {
        var thenBranch = new ModelBuilder()
            .Node("Relu", ["outer"], ["t"], name: "inner_relu")
            .Output("t", DType.Float, 2)
            .BuildGraph();
        var elseBranch = new ModelBuilder()
            .Node("Identity", ["outer"], ["e"], name: "inner_id")
            .Output("e", DType.Float, 2)
            .BuildGraph();
        var model = new ModelBuilder()
            .Input("cond", DType.Bool)
            .Input("x", DType.Float, 2)
            .Node("Neg", ["x"], ["outer"], name: "neg")
            .Node("If", ["cond"], ["y"], Attributes.Graph("then_branch", thenBranch), Attributes.Graph("else_branch", elseBranch))
            .Output("y", DType.Float, 2)
            .Build();
        var g = new OnnxGraph(model.Graph);

        Assert.Equal(["If"], g.Consumers("outer").Select(n => n.OpType));
        Assert.Equal(["neg", "If_1"], g.TopologicalOrder().Select(n => n.Name));

        g.RenameValue("outer", "renamed");
        Assert.Equal("renamed", model.Graph.Node[1].Attribute[0].G.Node[0].Input[0]);
        Assert.Equal("renamed", model.Graph.Node[1].Attribute[1].G.Node[0].Input[0]);
    }

    [Fact]
    public void Initializers_can_be_added_and_removed_with_their_legacy_graph_input()
    {
        var model = Chain();
        model.Graph.Input.Add(ModelBuilder.CreateValueInfo("w", DType.Float, [4]));
        var g = new OnnxGraph(model.Graph);
        Assert.False(g.IsConstant("w")); // an initializer listed as input is an overridable default

        g.RemoveInitializer("w");
        g.AddInitializer(Tensors.Scalar("k", 2f));

        Assert.DoesNotContain(model.Graph.Input, i => i.Name == "w");
        Assert.Equal(["k"], model.Graph.Initializer.Select(t => t.Name));
        Assert.True(g.IsConstant("k"));
        Assert.Throws<InvalidOperationException>(() => g.AddInitializer(Tensors.Scalar("a", 1f)));
    }

    [Fact]
    public void Unique_names_avoid_every_existing_value()
    {
        var g = new OnnxGraph(Chain().Graph);

        Assert.Equal("a_1", g.UniqueName("a"));
        Assert.Equal("a_2", g.UniqueName("a"));
        Assert.Equal("fresh", g.UniqueName("fresh"));
        Assert.Equal("fresh_1", g.UniqueName("fresh"));
    }

    [Fact]
    public void Stale_value_info_is_dropped()
    {
        var model = new ModelBuilder()
            .Input("x", DType.Float, 1)
            .Node("Relu", ["x"], ["y"])
            .ValueInfo("gone", DType.Float, 1)
            .ValueInfo("y", DType.Float, 1)
            .Output("y", DType.Float, 1)
            .Build();
        var g = new OnnxGraph(model.Graph);

        g.RemoveStaleValueInfo();

        Assert.Equal(["y"], model.Graph.ValueInfo.Select(v => v.Name));
    }
}
