namespace EdgeBuild.Tasks.Tests;

public sealed class FileGlobTests : IDisposable
{
    private readonly TempProject _project = new();

    public FileGlobTests()
    {
        foreach (var f in new[] { "calib/b.npy", "calib/a.npy", "calib/readme.txt", "calib/deep/c.npy", "imgs/x/1.png", "imgs/2.png" })
            _project.AddFile(f, [0]);
    }

    public void Dispose() => _project.Dispose();

    private string[] Expand(string pattern) =>
        FileGlob.Expand(_project.Directory, pattern).Select(p => Path.GetRelativePath(_project.Directory, p).Replace('\\', '/')).ToArray();

    [Fact]
    public void Star_matches_one_folder_level_sorted() => Assert.Equal(["calib/a.npy", "calib/b.npy"], Expand("calib/*.npy"));

    [Fact]
    public void Double_star_matches_any_depth() => Assert.Equal(["calib/a.npy", "calib/b.npy", "calib/deep/c.npy"], Expand("calib/**/*.npy"));

    [Fact]
    public void A_folder_means_every_file_below_it() => Assert.Equal(["imgs/2.png", "imgs/x/1.png"], Expand("imgs"));

    [Fact]
    public void A_plain_file_matches_itself() => Assert.Equal(["calib/readme.txt"], Expand("calib/readme.txt"));

    [Theory]
    [InlineData("calib/*.pb")]
    [InlineData("nowhere/*.npy")]
    [InlineData("missing.npy")]
    public void Patterns_matching_nothing_give_an_empty_list(string pattern) => Assert.Empty(Expand(pattern));

    [Fact]
    public void Several_patterns_are_separated_by_semicolons() =>
        Assert.Equal(["calib/*.npy", "imgs"], FileGlob.SplitPatterns(" calib/*.npy ; ;imgs"));
}
