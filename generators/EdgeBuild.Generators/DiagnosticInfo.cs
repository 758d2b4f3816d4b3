using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace EdgeBuild.Generators;

/// <summary>
/// A diagnostic as equatable data. Diagnostic and Location objects do not compare by value and would defeat
/// caching, so the pipeline carries these and turns them into diagnostics only when reporting.
/// </summary>
internal sealed record DiagnosticInfo(
    DiagnosticDescriptor Descriptor,
    string FilePath,
    TextSpan Span,
    LinePositionSpan LineSpan,
    ImmutableEquatableArray<string> MessageArgs)
{
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location.Create(FilePath, Span, LineSpan), MessageArgs.Cast<object>().ToArray());
}
