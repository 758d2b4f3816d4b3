using System;
using System.Collections.Generic;
using System.Globalization;

namespace EdgeBuild.Generators.Json;

/// <summary>A parsed JSON value with the span of text it came from, so diagnostics can point at it.</summary>
internal abstract class JsonNode
{
    protected JsonNode(int start, int end)
    {
        Start = start;
        End = end;
    }

    public int Start { get; }

    public int End { get; }

    /// <summary>What the value is, for messages such as "expected a string, found a number".</summary>
    public abstract string Kind { get; }
}

internal sealed class JsonObject : JsonNode
{
    public JsonObject(int start, int end, IReadOnlyList<KeyValuePair<string, JsonNode>> members) : base(start, end) => Members = members;

    public IReadOnlyList<KeyValuePair<string, JsonNode>> Members { get; }

    public override string Kind => "an object";

    public JsonNode? Get(string key)
    {
        foreach (var member in Members)
        {
            if (string.Equals(member.Key, key, StringComparison.Ordinal)) return member.Value;
        }

        return null;
    }
}

internal sealed class JsonArray : JsonNode
{
    public JsonArray(int start, int end, IReadOnlyList<JsonNode> items) : base(start, end) => Items = items;

    public IReadOnlyList<JsonNode> Items { get; }

    public override string Kind => "an array";
}

internal sealed class JsonString : JsonNode
{
    public JsonString(int start, int end, string value) : base(start, end) => Value = value;

    public string Value { get; }

    public override string Kind => "a string";
}

internal sealed class JsonNumber : JsonNode
{
    public JsonNumber(int start, int end, string text) : base(start, end) => Text = text;

    /// <summary>The number as written; converted on demand so integers never round-trip through double.</summary>
    public string Text { get; }

    public override string Kind => "a number";

    public bool TryGetInt64(out long value) =>
        long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}

internal sealed class JsonBoolean : JsonNode
{
    public JsonBoolean(int start, int end, bool value) : base(start, end) => Value = value;

    public bool Value { get; }

    public override string Kind => "a boolean";
}

internal sealed class JsonNull : JsonNode
{
    public JsonNull(int start, int end) : base(start, end)
    {
    }

    public override string Kind => "null";
}
