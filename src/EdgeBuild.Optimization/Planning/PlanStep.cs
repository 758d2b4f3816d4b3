using System.Globalization;
using System.Text.Json;

namespace EdgeBuild.Optimization.Planning;

/// <summary>
/// One step of an <see cref="OptimizationPlan"/>: what to run (<see cref="Id"/>, one of
/// <see cref="PlanStepIds"/>), with which settings, and why it is in the plan. Pure data: the
/// pipeline looks the id up in its own table of passes and reads the settings it needs.
/// Settings are strings in invariant culture ("true", "0.5", JSON arrays for lists) so a plan prints,
/// serializes and hashes the same everywhere.
/// </summary>
public sealed record PlanStep
{
    public PlanStep(string id, string reason, IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
        Id = id;
        Reason = reason;
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in settings ?? []) sorted.Add(key, value);
        Settings = sorted;
    }

    /// <summary>For JSON readers (a cached result's report): the settings are already sorted.</summary>
    [System.Text.Json.Serialization.JsonConstructor]
    public PlanStep(string id, string reason, IReadOnlyDictionary<string, string> settings)
        : this(id, reason, (IEnumerable<KeyValuePair<string, string>>)settings)
    {
    }

    public string Id { get; }

    /// <summary>Why the step is there, for people: "rpi5: Armv8.2 dotprod → S8S8 QDQ per-channel, no reduce_range".</summary>
    public string Reason { get; }

    /// <summary>Ordinal-sorted settings; read them with the typed getters.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>A step whose settings are the properties of <paramref name="settings"/>, the record its implementation reads back.</summary>
    public static PlanStep Create<TSettings>(string id, string reason, TSettings settings) where TSettings : class =>
        new(id, reason, PlanSettings.ToStrings(settings));

    /// <summary>The settings as the typed record the planner wrote (<see cref="Create{TSettings}"/>).</summary>
    public TSettings Read<TSettings>() where TSettings : class => PlanSettings.FromStrings<TSettings>(Id, Settings);

    public bool Equals(PlanStep? other) =>
        other is not null && Id == other.Id && Reason == other.Reason && Settings.SequenceEqual(other.Settings);

    public override int GetHashCode() => HashCode.Combine(Id, Reason, Settings.Count);
}

/// <summary>Formats setting values the one way plans store them.</summary>
public static class PlanValue
{
    public static string Of(bool value) => value ? "true" : "false";

    public static string Of(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Of(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Of(IEnumerable<string> values) => JsonSerializer.Serialize(values.ToList());

    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
