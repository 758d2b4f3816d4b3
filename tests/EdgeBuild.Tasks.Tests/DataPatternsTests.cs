namespace EdgeBuild.Tasks.Tests;

/// <summary>src/Shared/DataPatterns.cs: the one data-argument expansion of task, optimizer and cache key.</summary>
public sealed class DataPatternsTests : IDisposable
{
    private readonly TempProject _project = new();

    public DataPatternsTests()
    {
        foreach (var f in new[]
                 {
                     "calib/b.npy", "calib/a.npy", "calib/readme.txt", "calib/deep/c.npy", "calib/.hidden.npy", "calib/.git/d.npy",
                     "imgs/x/1.png", "imgs/2.png", "a/1.npy", "b/2.npy", "b/3.NPY",
                 })
            _project.AddFile(f, [0]);
    }

    public void Dispose() => _project.Dispose();

    private string[] Relative(IEnumerable<string> paths) =>
        paths.Select(p => Path.GetRelativePath(_project.Directory, p).Replace('\\', '/')).ToArray();

    private string[] Expand(string pattern) => Relative(DataPatterns.Expand(_project.Directory, pattern));

    [Fact]
    public void Star_matches_within_one_folder_sorted_without_dot_files() => Assert.Equal(["calib/a.npy", "calib/b.npy"], Expand("calib/*.npy"));

    [Fact]
    public void Double_star_matches_any_depth_including_none() =>
        Assert.Equal(["calib/a.npy", "calib/b.npy", "calib/deep/c.npy"], Expand("calib/**/*.npy"));

    [Fact]
    public void A_trailing_double_star_is_every_visible_file_below() =>
        Assert.Equal(["calib/a.npy", "calib/b.npy", "calib/deep/c.npy", "calib/readme.txt"], Expand("calib/**"));

    [Fact]
    public void A_dot_segment_matches_dot_entries() => Assert.Equal(["calib/.hidden.npy"], Expand("calib/.*.npy"));

    [Fact]
    public void A_folder_is_its_entries_files_and_per_sample_folders() => Assert.Equal(["imgs/2.png", "imgs/x"], Expand("imgs"));

    [Fact]
    public void Files_of_items_include_the_per_sample_folders_files() =>
        Assert.Equal(["imgs/2.png", "imgs/x/1.png"], Relative(DataPatterns.Files(DataPatterns.Expand(_project.Directory, "imgs"))));

    [Fact]
    public void A_plain_file_matches_itself() => Assert.Equal(["calib/readme.txt"], Expand("calib/readme.txt"));

    [Fact]
    public void Case_follows_the_file_system() =>
        Assert.Equal(OperatingSystem.IsWindows() ? ["b/2.npy", "b/3.NPY"] : ["b/2.npy"], Expand("b/*.npy"));

    [Theory]
    [InlineData("calib/*.pb")]
    [InlineData("nowhere/*.npy")]
    [InlineData("missing.npy")]
    public void Patterns_matching_nothing_give_an_empty_list(string pattern) => Assert.Empty(Expand(pattern));

    [Fact]
    public void Several_patterns_are_separated_by_semicolons_and_keep_their_order() =>
        Assert.Equal(["b/2.npy", "a/1.npy", "calib/a.npy"], Relative(DataPatterns.Items(_project.Directory, " b/*.npy ; ;a/*.npy;calib/a.npy;a/1.npy")));

    [Fact]
    public void A_samples_list_file_names_its_items_relative_to_itself()
    {
        var list = Path.Combine(_project.Directory, "obj", "x.samples");
        DataPatterns.WriteList(list, [Path.Combine(_project.Directory, "a", "1.npy"), "../imgs/x"]);
        Assert.Equal(["a/1.npy", "imgs/x"], Expand("obj/x.samples"));
        Assert.False(DataPatterns.WriteList(list, [Path.Combine(_project.Directory, "a", "1.npy"), "../imgs/x"]));
    }
}
