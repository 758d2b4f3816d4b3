using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeBuild.Optimization.Profiles;

namespace EdgeBuild.Cli.Commands;

/// <summary>`edgebuild profiles [--json]` lists the built-in targets; `profiles show ID|--profile FILE` prints one resolved profile.</summary>
public sealed class ProfilesCommand : ICommand
{
    public string Name => "profiles";

    public string Summary => "list device profiles, or show one resolved profile";

    public string Usage => """
        usage: edgebuild profiles [--json]
               edgebuild profiles show ID [--json]
               edgebuild profiles show --profile FILE [ID] [--json]

          (no verb)        list the built-in targets
          show ID          print the built-in profile ID with every field
          --profile FILE   a custom profile JSON; it may "extends" a built-in id (ID, if given, is its default base)
          --json           machine-readable output on stdout (the profile JSON schema of docs/profiles.md)
        """;

    public int Run(CommandArguments args, TextWriter stdout, TextWriter stderr)
    {
        var json = args.Flag("json");
        var profileFile = args.Option("profile");
        var verb = args.Positionals.Count > 0 ? args.Positionals[0] : null;

        try
        {
            switch (verb)
            {
                case null when profileFile is null:
                    args.ThrowOnUnused(0);
                    List(stdout, json);
                    return ExitCodes.Ok;
                case null:
                case "show":
                    var id = args.Positionals.Count > 1 ? args.Positionals[1] : null;
                    args.ThrowOnUnused(id is null ? Math.Min(args.Positionals.Count, 1) : 2);
                    if (id is null && profileFile is null) throw new UsageException("profiles show needs a target id or --profile FILE");
                    Show(ProfileResolver.Resolve(id, profileFile), stdout, json);
                    return ExitCodes.Ok;
                default:
                    throw new UsageException($"unknown profiles verb '{verb}'; use 'show ID' or no verb to list");
            }
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
