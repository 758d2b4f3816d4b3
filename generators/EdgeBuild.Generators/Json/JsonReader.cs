using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace EdgeBuild.Generators.Json;

/// <summary>Invalid JSON, with the character offset where reading stopped.</summary>
internal sealed class JsonReaderException : Exception
{
    public JsonReaderException(string message, int position) : base(message) => Position = position;

    public int Position { get; }
}

/// <summary>
/// A small strict RFC 8259 reader. Analyzers cannot use System.Text.Json without shipping it next to the
/// generator (and clashing with the compiler's copy), and manifests are a few kilobytes, so a recursive-descent
/// reader into a node tree is enough. It rejects what the manifest writer never produces (comments, trailing
/// commas, duplicate keys) instead of guessing.
/// </summary>
internal sealed class JsonReader
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _position;

    private JsonReader(string text) => _text = text;

    public static JsonNode Parse(string text)
    {
        var reader = new JsonReader(text);
        if (reader.Peek() == '\uFEFF') reader._position++;
        var root = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (reader._position < text.Length) throw reader.Error("unexpected text after the end of the JSON document");
        return root;
    }

    private JsonNode ReadValue(int depth)
    {
        if (depth > MaxDepth) throw Error("nesting deeper than " + MaxDepth);
        SkipWhitespace();
        var c = Peek();
        switch (c)
        {
            case '{': return ReadObject(depth);
            case '[': return ReadArray(depth);
            case '"':
                var start = _position;
                var value = ReadString();
                return new JsonString(start, _position, value);
            case 't': return ReadLiteral("true", (s, e) => new JsonBoolean(s, e, true));
            case 'f': return ReadLiteral("false", (s, e) => new JsonBoolean(s, e, false));
            case 'n': return ReadLiteral("null", (s, e) => new JsonNull(s, e));
            case '\0' when _position >= _text.Length: throw Error("unexpected end of the document");
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                throw Error($"unexpected character '{c}'");
        }
    }

    private JsonObject ReadObject(int depth)
    {
        var start = _position++;
        var members = new List<KeyValuePair<string, JsonNode>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        SkipWhitespace();
        if (TryConsume('}')) return new JsonObject(start, _position, members);
        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"') throw Error("expected a property name in double quotes");
            var keyStart = _position;
            var key = ReadString();
            if (!keys.Add(key)) throw new JsonReaderException($"duplicate property \"{key}\"", keyStart);
            SkipWhitespace();
            Expect(':');
            members.Add(new KeyValuePair<string, JsonNode>(key, ReadValue(depth + 1)));
            SkipWhitespace();
            if (TryConsume('}')) return new JsonObject(start, _position, members);
            Expect(',');
        }
    }

    private JsonArray ReadArray(int depth)
    {
        var start = _position++;
        var items = new List<JsonNode>();
        SkipWhitespace();
        if (TryConsume(']')) return new JsonArray(start, _position, items);
        while (true)
        {
            items.Add(ReadValue(depth + 1));
            SkipWhitespace();
            if (TryConsume(']')) return new JsonArray(start, _position, items);
            Expect(',');
        }
    }

    private string ReadString()
    {
        _position++; // opening quote
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length) throw Error("unterminated string");
            var c = _text[_position++];
            if (c == '"') return value.ToString();
            if (c < ' ') throw new JsonReaderException("control character in a string (escape it)", _position - 1);
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (_position >= _text.Length) throw Error("unterminated escape sequence");
            var escape = _text[_position++];
            switch (escape)
            {
                case '"': value.Append('"'); break;
                case '\\': value.Append('\\'); break;
                case '/': value.Append('/'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length ||
                        !ushort.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                        throw Error("invalid \\u escape (expected four hex digits)");
                    value.Append((char)code);
                    _position += 4;
                    break;
                default: throw new JsonReaderException($"invalid escape '\\{escape}'", _position - 2);
            }
        }
    }

    private JsonNumber ReadNumber()
    {
        var start = _position;
        TryConsume('-');
        if (TryConsume('0'))
        {
            // a leading zero stands alone
        }
        else if (!ConsumeDigits()) throw Error("expected a digit");

        if (TryConsume('.') && !ConsumeDigits()) throw Error("expected a digit after the decimal point");
        if (TryConsume('e') || TryConsume('E'))
        {
            if (!TryConsume('+')) TryConsume('-');
            if (!ConsumeDigits()) throw Error("expected a digit in the exponent");
        }

        return new JsonNumber(start, _position, _text.Substring(start, _position - start));
    }

    private JsonNode ReadLiteral(string literal, Func<int, int, JsonNode> create)
    {
        if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) != 0) throw Error($"unexpected character '{Peek()}'");
        var start = _position;
        _position += literal.Length;
        return create(start, _position);
    }

    private bool ConsumeDigits()
    {
        var start = _position;
        while (_position < _text.Length && _text[_position] >= '0' && _text[_position] <= '9') _position++;
        return _position > start;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && (_text[_position] is ' ' or '\t' or '\n' or '\r')) _position++;
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private bool TryConsume(char c)
    {
        if (Peek() != c || _position >= _text.Length) return false;
        _position++;
        return true;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
            throw _position >= _text.Length ? Error($"unexpected end of the document (expected '{c}')") : Error($"expected '{c}', found '{Peek()}'");
    }

    private JsonReaderException Error(string message) => new(message, _position);
}
