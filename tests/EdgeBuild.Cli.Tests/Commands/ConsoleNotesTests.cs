using EdgeBuild.Cli;

namespace EdgeBuild.Cli.Tests.Commands;

/// <summary>Issue 17 item 5: a long note (the fallback's node lists) is shortened on the console to its first entries and a count.</summary>
public sealed class ConsoleNotesTests
{
    [Fact]
    public void A_note_listing_170_nodes_shows_the_first_ones_and_how_many_more()
    {
        var names = Enumerable.Range(0, 170).Select(i => $"p2o.Conv.{i}").ToList();
        var note = "kept in float by the fallback: " + string.Join(", ", names);

        var shown = ConsoleNotes.Shorten(note);

        Assert.True(shown.Length < ConsoleNotes.MaxChars + 60, shown);
        Assert.StartsWith("kept in float by the fallback: p2o.Conv.0, p2o.Conv.1, ", shown, StringComparison.Ordinal);
        var listed = shown.Split(", ").Count(s => s.Contains("p2o.Conv.", StringComparison.Ordinal));
        Assert.EndsWith($", … and {170 - listed} more (--report or --json lists all)", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_note_is_unchanged_and_a_long_one_without_a_list_is_cut_with_a_pointer()
    {
        Assert.Equal("data-free int8 weights: 50 tensor(s)", ConsoleNotes.Shorten("data-free int8 weights: 50 tensor(s)"));
        var shown = ConsoleNotes.Shorten(new string('x', 1000));
        Assert.Equal(new string('x', ConsoleNotes.MaxChars) + "… (--report or --json has the whole note)", shown);
    }
}
