using EdgeBuild.Generators.Json;

namespace EdgeBuild.Generators.Tests;

public sealed class JsonReaderTests
{
    [Fact]
    public void Reads_every_value_kind_with_escapes()
    {
        var root = (JsonObject)JsonReader.Parse("\uFEFF{ \"s\": \"a\\\"b\\\\c\\u00e9\\n\", \"n\": -12, \"f\": 1.5e3, \"t\": true, \"z\": null, \"a\": [1, [2], {}] }");

        Assert.Equal("a\"b\\cé\n", ((JsonString)root.Get("s")!).Value);
        Assert.True(((JsonNumber)root.Get("n")!).TryGetInt64(out var n) && n == -12);
        Assert.False(((JsonNumber)root.Get("f")!).TryGetInt64(out _));
        Assert.True(((JsonBoolean)root.Get("t")!).Value);
        Assert.IsType<JsonNull>(root.Get("z"));
        Assert.Equal(3, ((JsonArray)root.Get("a")!).Items.Count);
    }

    [Theory]
    [InlineData("{\"a\": 1,}")]
    [InlineData("{\"a\": 01}")]
    [InlineData("[1 2]")]
    [InlineData("{\"a\": \"unterminated}")]
    [InlineData("{\"a\": tru}")]
    [InlineData("// comment\n{}")]
    [InlineData("{} {}")]
    [InlineData("")]
    [InlineData("{\"a\": \"\\x\"}")]
    public void Rejects_invalid_json_with_a_position(string json)
    {
        var e = Assert.Throws<JsonReaderException>(() => JsonReader.Parse(json));
        Assert.InRange(e.Position, 0, json.Length);
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_stack_overflow()
    {
        var json = new string('[', 10_000) + new string(']', 10_000);
        Assert.Throws<JsonReaderException>(() => JsonReader.Parse(json));
    }

    [Fact]
    public void Node_spans_cover_the_value_text()
    {
        const string json = "{ \"shape\": [1, -1] }";
        var shape = ((JsonObject)JsonReader.Parse(json)).Get("shape")!;
        Assert.Equal("[1, -1]", json.Substring(shape.Start, shape.End - shape.Start));
    }
}
