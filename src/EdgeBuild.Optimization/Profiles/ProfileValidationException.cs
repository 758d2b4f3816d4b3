namespace EdgeBuild.Optimization.Profiles;

/// <summary>A profile JSON that is malformed or inconsistent. Every error names the file and the JSON field path.</summary>
public sealed class ProfileValidationException : Exception
{
    public ProfileValidationException(string source, IReadOnlyList<ProfileFieldError> errors)
        : base($"{source}: invalid device profile: " + string.Join("; ", errors.Select(e => e.ToString())))
    {
        Source = source;
        Errors = errors;
    }

    /// <summary>The profile file path, or "built-in profile 'ID'".</summary>
    public new string Source { get; }

    public IReadOnlyList<ProfileFieldError> Errors { get; }
}

/// <summary>One problem at one JSON field, e.g. <c>precision.scheme</c>.</summary>
public sealed record ProfileFieldError(string FieldPath, string Message)
{
    public override string ToString() => $"field '{FieldPath}': {Message}";
}
