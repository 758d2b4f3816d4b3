using System;
using System.Text;

namespace EdgeBuild.Generators;

/// <summary>
/// Writes C# with four-space indentation and <c>\n</c> line endings whatever the host OS, so generated files
/// are byte-identical everywhere.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public void WriteLine(string line)
    {
        if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
    }

    public void WriteLine() => _text.Append('\n');

    public void OpenBlock(string header)
    {
        WriteLine(header);
        WriteLine("{");
        _indent++;
    }

    public void CloseBlock(string closing = "}")
    {
        if (_indent == 0) throw new InvalidOperationException("CloseBlock without OpenBlock");
        _indent--;
        WriteLine(closing);
    }

    public void Indent() => _indent++;

    public void Unindent() => _indent--;

    public override string ToString() => _text.ToString();
}
