using System.Xml.Linq;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Tasks.Tests;

/// <summary>
/// The IDE's property page for EdgeModel items (build/EdgeModel.xaml) lists the same metadata as the item's defaults in
/// build/EdgeBuild.props, and offers the precisions the task accepts: a metadata added to one and not the other would be
/// invisible in Visual Studio or shown with no default.
/// </summary>
public sealed class EdgeModelSchemaTests
{
    private static readonly string BuildDir = Path.Combine(TestAssets.RepoRoot, "tasks", "EdgeBuild.Tasks", "build");
    private static readonly XNamespace Schema = "http://schemas.microsoft.com/build/2009/properties";

    private static XElement Rule() =>
        XDocument.Load(Path.Combine(BuildDir, "EdgeModel.xaml")).Root!.Elements(Schema + "Rule").Single(r => (string?)r.Attribute("Name") == "EdgeModel");

    /// <summary>The rule's editable properties: the ones saved as attributes on the item.</summary>
    private static IEnumerable<XElement> ItemProperties() =>
        Rule().Elements().Where(e => e.Descendants(Schema + "DataSource").Any(d => (string?)d.Attribute("PersistenceStyle") == "Attribute"));

    [Fact]
    public void Property_page_lists_exactly_the_metadata_EdgeBuild_props_declares()
    {
        var props = XDocument.Load(Path.Combine(BuildDir, "EdgeBuild.props"));
        var declared = props.Descendants().Where(e => e.Name.LocalName == "EdgeModel" && e.Parent?.Name.LocalName == "ItemDefinitionGroup")
            .Single().Elements().Select(e => e.Name.LocalName).Order(StringComparer.Ordinal).ToList();
        var shown = ItemProperties().Select(e => (string)e.Attribute("Name")!).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(declared);
        Assert.Equal(declared, shown);
    }

    [Fact]
    public void Precision_choices_are_the_ones_the_task_accepts()
    {
        var precision = ItemProperties().Single(e => (string?)e.Attribute("Name") == "Precision");
        var choices = precision.Elements(Schema + "EnumValue").Select(v => (string)v.Attribute("Name")!).ToList();
        Assert.Equal(Precisions.All, choices);
    }
}
