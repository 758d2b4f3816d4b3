namespace EdgeBuild.Tasks.Tests;

public sealed class CanonicalDiagnosticTests
{
    [Fact]
    public void Parses_a_file_error()
    {
        var d = CanonicalDiagnostic.TryParse("/src/models/det.onnx: error EDGE0101: not an ONNX model. Re-export it.");
        Assert.Equal(new CanonicalDiagnostic("/src/models/det.onnx", 0, 0, true, "EDGE0101", "not an ONNX model. Re-export it."), d);
        Assert.True(d!.HasFileOrigin);
    }

    [Fact]
    public void Parses_line_and_column_and_warnings()
    {
        var d = CanonicalDiagnostic.TryParse(@"C:\p\board.json(12,5): warning EDGE0301: model is 9 MB, budget 8 MB. Lower precision.");
        Assert.Equal(new CanonicalDiagnostic(@"C:\p\board.json", 12, 5, false, "EDGE0301", "model is 9 MB, budget 8 MB. Lower precision."), d);
    }

    [Theory]
    [InlineData("edgebuild: error EDGE0002: unknown command 'x'.", false)]
    [InlineData("edgebuild optimize: error EDGE0002: unknown option --taget.", false)]
    [InlineData("rpi9: error EDGE0003: unknown target 'rpi9'. Use one of: rpi5.", true)]
    public void Tool_names_and_subjects_are_not_files(string line, bool isSubject)
    {
        var d = CanonicalDiagnostic.TryParse(line)!;
        Assert.False(d.HasFileOrigin);
        Assert.Equal(isSubject, d.HasSubjectOrigin);
    }

    [Theory]
    [InlineData("optimizing det.onnx (int8)")]
    [InlineData("cache hit: 3f2a...")]
    [InlineData("error without code")]
    public void Other_lines_are_not_diagnostics(string line) => Assert.Null(CanonicalDiagnostic.TryParse(line));
}
