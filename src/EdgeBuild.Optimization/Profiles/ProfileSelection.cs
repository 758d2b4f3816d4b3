namespace EdgeBuild.Optimization.Profiles;

/// <summary>
/// `--target ID` and/or `--profile FILE` → the device profile a command runs with, with the
/// profile errors as CLI diagnostics: an unknown id is EDGE0003 (known ids and a did-you-mean),
/// a bad custom profile is EDGE0004 naming the file and each bad field.
/// </summary>
public static class ProfileSelection
{
    /// <exception cref="OptimizationInputException">EDGE0003 or EDGE0004 (exit code 2).</exception>
    public static DeviceProfile Resolve(string? targetId, string? profileFile)
    {
        if (targetId is null && profileFile is null)
            throw new OptimizationInputException(DiagnosticCodes.Usage, "--target", "no target given", $"Pass --target ID (one of: {string.Join(", ", ProfileCatalog.Ids)}) or --profile FILE");
        try
        {
            // With a profile file, an unknown --target is still an error: it would silently be ignored otherwise.
            if (profileFile is not null && targetId is not null) ProfileCatalog.Get(targetId);
            return ProfileResolver.Resolve(targetId, profileFile);
        }
        catch (UnknownProfileException e)
        {
            var problem = $"unknown target '{e.Id}'" + (e.Suggestion is null ? "" : $" (did you mean '{e.Suggestion}'?)");
            throw new OptimizationInputException(DiagnosticCodes.UnknownTarget, e.Id, problem,
                $"Use one of: {string.Join(", ", e.KnownIds)}; or point --profile/Profile= at a custom profile JSON file", e);
        }
        catch (ProfileValidationException e)
        {
            throw new OptimizationInputException(DiagnosticCodes.BadProfile, e.Source, "invalid device profile: " + string.Join("; ", e.Errors.Select(x => x.ToString())),
                "Fix the field (see docs/profiles.md for the schema)", e);
        }
    }
}
