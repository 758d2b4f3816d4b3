using System.IO.Compression;
using System.Xml.Linq;
using EdgeBuild.Integration.Tests.Infrastructure;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Integration.Tests;

/// <summary>
/// Issue 13, acceptance 2: scripts/pack.sh's `dotnet pack EdgeBuild.sln` (the fixture's pack) prints no warning, packs
/// exactly EdgeBuild and EdgeBuild.Tool, each with a symbols package and the metadata nuget.org shows, and two packs of
/// the same commit are byte-identical.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageTests(PackageFeedFixture feed)
{
    [Fact]
    public void Solution_pack_prints_no_warning_and_produces_only_the_two_packages_and_their_symbols()
    {
        var warnings = feed.PackOutput.Split('\n').Where(l => l.Contains("warning", StringComparison.OrdinalIgnoreCase) || l.Contains("missing a readme", StringComparison.Ordinal)).ToList();
        Assert.True(warnings.Count == 0, "dotnet pack warned:\n" + string.Join("\n", warnings));

        var produced = Directory.GetFiles(feed.Feed).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var v = PackageFeedFixture.PackageVersion;
        Assert.Equal([$"EdgeBuild.{v}.nupkg", $"EdgeBuild.{v}.snupkg", $"EdgeBuild.Tool.{v}.nupkg", $"EdgeBuild.Tool.{v}.snupkg"], produced);
    }

    [Theory]
    [InlineData("EdgeBuild", "lib/net8.0/EdgeBuild.Runtime.pdb")]
    [InlineData("EdgeBuild.Tool", "tools/net8.0/any/edgebuild.pdb")]
    public void Package_has_readme_license_repository_release_notes_and_symbols(string id, string symbolsPdb)
    {
        var package = Path.Combine(feed.Feed, $"{id}.{PackageFeedFixture.PackageVersion}.nupkg");
        using (var zip = ZipFile.OpenRead(package))
        {
            var nuspec = Nuspec(zip, id);
            string Meta(string name) => nuspec.Elements().Single(e => e.Name.LocalName == name).Value;
            var readme = Meta("readme");
            Assert.Contains(id, Text(zip, readme), StringComparison.Ordinal);
            Assert.Contains("docs/", Text(zip, readme), StringComparison.Ordinal);
            Assert.Equal("MIT", Meta("license"));
            Assert.Contains("MIT License", Text(zip, "LICENSE"), StringComparison.Ordinal);
            Assert.NotEmpty(Meta("releaseNotes"));
            var repository = nuspec.Elements().Single(e => e.Name.LocalName == "repository");
            Assert.Equal("git", (string?)repository.Attribute("type"));
            Assert.StartsWith("https://", (string?)repository.Attribute("url"), StringComparison.Ordinal);
            // The commit packed (Source Link's source control information): pins the package to its sources.
            Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");
        }

        using var symbols = ZipFile.OpenRead(Path.ChangeExtension(package, ".snupkg"));
        Assert.Contains(symbols.Entries, e => e.FullName == symbolsPdb && e.Length > 0);
    }

    /// <summary>
    /// A fresh clone of HEAD packed from scratch gives the same bytes as the checkout's pack (when the checkout has no
    /// uncommitted changes to tracked files), else as a second, full rebuild-and-pack of that clone.
    /// </summary>
    [Fact]
    public void Two_packs_of_the_same_commit_are_byte_identical()
    {
        var clone = Path.Combine(feed.Root, "clone");
        Dotnet.Exec("git", feed.Root, ["clone", "-q", "--no-hardlinks", TestAssets.RepoRoot, clone]).EnsureSuccess("git clone");
        var first = Path.Combine(feed.Root, "clone-pack-1");
        PackageFeedFixture.Pack(clone, first).EnsureSuccess("dotnet pack of the clone");

        var dirty = Dotnet.Exec("git", TestAssets.RepoRoot, ["status", "--porcelain", "--untracked-files=no"]).EnsureSuccess("git status").Output.Trim();
        string second;
        if (dirty.Length == 0)
        {
            second = feed.Feed;
        }
        else
        {
            second = Path.Combine(feed.Root, "clone-pack-2");
            PackageFeedFixture.Pack(clone, second, "--no-incremental").EnsureSuccess("second dotnet pack of the clone");
        }

        foreach (var file in Directory.GetFiles(first).Select(Path.GetFileName))
        {
            var a = File.ReadAllBytes(Path.Combine(first, file!));
            var b = File.ReadAllBytes(Path.Combine(second, file!));
            Assert.True(a.AsSpan().SequenceEqual(b), $"{file} differs between {first} and {second}: {Differences(Path.Combine(first, file!), Path.Combine(second, file!))}");
        }

        Assert.Equal(4, Directory.GetFiles(first).Length);
    }

    private static XElement Nuspec(ZipArchive zip, string id) =>
        XDocument.Parse(Text(zip, id + ".nuspec")).Root!.Elements().Single(e => e.Name.LocalName == "metadata");

    private static string Text(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new Xunit.Sdk.XunitException($"no {name} in the package");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    /// <summary>Which entries differ (content or timestamp), so a failure says what is not deterministic.</summary>
    private static string Differences(string a, string b)
    {
        using var za = ZipFile.OpenRead(a);
        using var zb = ZipFile.OpenRead(b);
        var names = za.Entries.Select(e => e.FullName).Union(zb.Entries.Select(e => e.FullName));
        var diffs = new List<string>();
        foreach (var name in names)
        {
            var ea = za.GetEntry(name);
            var eb = zb.GetEntry(name);
            if (ea is null || eb is null) diffs.Add(name + " only in one");
            else if (ea.Crc32 != eb.Crc32) diffs.Add(name + " content");
            else if (ea.LastWriteTime != eb.LastWriteTime) diffs.Add(name + " timestamp");
        }

        return diffs.Count == 0 ? "zip structure" : string.Join(", ", diffs);
    }
}
