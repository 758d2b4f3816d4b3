namespace EdgeBuild.Optimization.Profiles;

/// <summary>Target id and optional custom profile file → the one profile a build uses.</summary>
public static class ProfileResolver
{
    /// <exception cref="UnknownProfileException">No profile file and the target is not built in.</exception>
    /// <exception cref="ProfileValidationException">The profile file is missing, malformed or inconsistent.</exception>
    public static DeviceProfile Resolve(string? target, string? profileFile)
    {
        if (profileFile is not null)
            return CustomProfileLoader.Load(profileFile, target is not null && ProfileCatalog.TryGet(target, out _) ? target : null);
        if (target is null) throw new ArgumentException("a target id or a profile file is required", nameof(target));
        return ProfileCatalog.Get(target);
    }
}
