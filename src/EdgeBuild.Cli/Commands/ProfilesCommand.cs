using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Cli.Commands;

/// <summary>`edgebuild profiles [--json]` lists the built-in targets; `profiles show ID|--profile FILE [--json]` prints one resolved profile.</summary>
public sealed class ProfilesCommand : ICommand
{
    public string Name => "profiles";

    public Command Create(CliConsole console)
    {
        var json = CliOptions.Json("the list (the profile JSON schema of docs/profiles.md)");
        var showJson = CliOptions.Json("the profile (the profile JSON schema of docs/profiles.md)");
        var id = new Argument<string?>("ID") { Description = "a built-in target id (`edgebuild profiles` lists them)", Arity = ArgumentArity.ZeroOrOne };
        var profile = CliOptions.Profile("a custom profile JSON; it may \"extends\" a built-in id (ID, if given, is its default base)");
        var show = new Command("show", "Print one resolved profile with every field") { id, profile, showJson };
        show.Validators.Add(r =>
        {
            if (r.GetResult(id) is null && r.GetResult(profile) is null) r.AddError("profiles show needs a target id or --profile FILE");
        });
        show.SetAction(r => Guarded(console.Stderr, () => Show(ProfileResolver.Resolve(r.GetValue(id), r.GetValue(profile)), console.Stdout, r.GetValue(showJson))));

        var command = new Command("profiles", "List the built-in device profiles, or show one resolved profile") { json, show };
        command.SetAction(r => Guarded(console.Stderr, () => List(console.Stdout, r.GetValue(json))));
        return command;
    }

    private static int Guarded(TextWriter stderr, Action action)
    {
        try
        {
            action();
            return ExitCodes.Ok;
        }
        catch (UnknownProfileException e)
        {
            stderr.WriteLine($"edgebuild profiles: error EDGE0003: {e.Message}.");
            return ExitCodes.BadInput;
        }
        catch (ProfileValidationException e)
        {
            foreach (var error in e.Errors)
                stderr.WriteLine($"{e.Source}: error EDGE0004: {error}. Fix the field (see docs/profiles.md for the schema).");
            return ExitCodes.BadInput;
        }
    }

    private static void List(TextWriter stdout, bool json)
    {
        if (json)
        {
            var array = new JsonArray(ProfileCatalog.All.Select(p => (JsonNode)ProfileJson.ToNode(p)).ToArray());
            stdout.WriteLine(array.ToJsonString(ProfileJson.Options).ReplaceLineEndings("\n"));
            return;
        }

        stdout.WriteLine(ProfileText.SummaryHeader);
        foreach (var profile in ProfileCatalog.All) stdout.WriteLine(ProfileText.Summary(profile));
        stdout.WriteLine();
        stdout.WriteLine("`edgebuild profiles show ID` prints every field of one profile.");
    }

    private static void Show(DeviceProfile profile, TextWriter stdout, bool json) =>
        stdout.Write(json ? ProfileJson.Serialize(profile) + "\n" : ProfileText.Details(profile));
}
