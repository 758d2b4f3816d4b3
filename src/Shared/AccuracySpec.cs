using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace EdgeBuild;

/// <summary>The task metrics an accuracy budget can name (see <see cref="AccuracyMetrics.Table"/>).</summary>
public enum AccuracyMetricKind
{
    Sqnr,
    Cosine,
    MaxAbs,
    Top1,
    Argmax,
    Agreement,
    Iou,
    Ctc,
}

/// <summary>One metric of the table: its spelling, which way is better, how its threshold is written, what it fits.</summary>
public sealed record AccuracyMetricInfo(string Name, AccuracyMetricKind Kind, bool HigherIsBetter, string Unit, string Fits);

/// <summary>
/// One budget: <paramref name="Output"/> ("*" = every float output) must reach <paramref name="Threshold"/> in
/// <paramref name="Kind"/> on the worst validation sample, or on the mean over samples when <paramref name="Mean"/>
/// (for SQNR: pooled, Σsignal/Σnoise). Ratios are fractions (0.995), SQNR is dB.
/// </summary>
/// <param name="Output">The output's name, or "*".</param>
/// <param name="Kind">The metric.</param>
/// <param name="Threshold">The budget: a minimum, or a maximum for maxabs.</param>
/// <param name="Mean">Averaged over samples instead of taken on the worst one.</param>
/// <param name="At">agreement@T, iou@T: the threshold T both sides are compared with.</param>
/// <param name="Epsilon">agreement@T: elements whose reference is within this of T are ignored (borderline either way).</param>
/// <param name="Blank">argmax: positions where reference and candidate both pick this class are ignored; ctc: the blank class (0 unless given).</param>
public sealed record AccuracyRequirement(string Output, AccuracyMetricKind Kind, double Threshold, bool Mean = false, double At = 0, double Epsilon = 0, int? Blank = null)
{
    public AccuracyMetricInfo Info => AccuracyMetrics.Of(Kind);

    /// <summary>Whether a measured value holds the budget; NaN never does.</summary>
    public bool Holds(double value) => Info.HigherIsBetter ? value >= Threshold : value <= Threshold;

    /// <summary>The canonical spelling, which <see cref="AccuracyMetrics.Parse"/> reads back to an equal requirement.</summary>
    public override string ToString() => $"{Output}: {Metric()} {(Info.HigherIsBetter ? ">=" : "<=")} {AccuracyMetrics.FormatValue(Kind, Threshold)}";

    /// <summary>The metric without output and threshold: "mean sqnr", "agreement@0.3(eps=0.05)", "argmax(blank=0)".</summary>
    public string Metric()
    {
        var text = (Mean ? "mean " : "") + Info.Name;
        if (Kind is AccuracyMetricKind.Agreement or AccuracyMetricKind.Iou) text += "@" + At.ToString("R", CultureInfo.InvariantCulture);
        if (Kind == AccuracyMetricKind.Agreement && Epsilon > 0) text += "(eps=" + Epsilon.ToString("R", CultureInfo.InvariantCulture) + ")";
        if (Kind is AccuracyMetricKind.Argmax or AccuracyMetricKind.Ctc && Blank is { } blank) text += "(blank=" + blank.ToString(CultureInfo.InvariantCulture) + ")";
        return text;
    }
}

/// <summary>A spec that does not parse; the message names the problem and the fix.</summary>
public sealed class AccuracySpecException(string message) : FormatException(message);

/// <summary>
/// The one parser and the one metric table of accuracy budgets, compiled into the optimizer and the MSBuild tasks
/// (linked source: they target different frameworks) so the CLI's --accuracy, the EdgeModel item's Accuracy and the
/// report can never disagree on a spelling.
/// Syntax: <c>OUTPUT: [mean] METRIC[@T][(KEY=VALUE,...)] (&gt;=|&lt;=) VALUE[%|dB]</c>, several separated by ';'.
/// OUTPUT may be <c>*</c> (every float output). Examples: <c>sigmoid_0.tmp_0: agreement@0.3 &gt;= 99.5%</c>,
/// <c>softmax_0.tmp_0: top1 &gt;= 100%</c>, <c>logits: argmax(blank=0) &gt;= 99%; *: mean sqnr &gt;= 25dB</c>.
/// </summary>
public static class AccuracyMetrics
{
    public const string Syntax = "OUTPUT: [mean] METRIC[@T][(eps=E|blank=K)] >= VALUE[%|dB], several separated by ';' (e.g. \"sigmoid_0.tmp_0: agreement@0.3 >= 99.5%\")";

    public static readonly IReadOnlyList<AccuracyMetricInfo> Table =
    [
        new("sqnr", AccuracyMetricKind.Sqnr, true, "dB", "any float output; signal-to-noise of the whole tensor"),
        new("cosine", AccuracyMetricKind.Cosine, true, "", "embeddings, feature vectors: direction matters, scale does not"),
        new("maxabs", AccuracyMetricKind.MaxAbs, false, "", "regression outputs with an absolute tolerance (coordinates, depth)"),
        new("top1", AccuracyMetricKind.Top1, true, "%", "classifiers [N, classes]: share of rows whose argmax agrees"),
        new("argmax", AccuracyMetricKind.Argmax, true, "%", "sequences [N, T, classes] (CTC): share of positions whose argmax agrees"),
        new("agreement", AccuracyMetricKind.Agreement, true, "%", "probability maps, masks: share of elements on the same side of T"),
        new("iou", AccuracyMetricKind.Iou, true, "%", "maps read as regions (text, segmentation masks): elements above T in both over elements above T in either; background does not dilute it"),
        new("ctc", AccuracyMetricKind.Ctc, true, "%", "CTC sequences [N, T, classes]: the text a prefix beam search reads, 1 - edit distance / length"),
    ];

    public static AccuracyMetricInfo Of(AccuracyMetricKind kind) => Table.First(m => m.Kind == kind);

    public static string FormatValue(AccuracyMetricKind kind, double value) => Of(kind).Unit switch
    {
        "dB" => value.ToString("0.##", CultureInfo.InvariantCulture) + "dB",
        "%" => (value * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%",
        _ => value.ToString("G6", CultureInfo.InvariantCulture),
    };

    /// <summary>Parses a whole spec (empty → no requirement). Throws <see cref="AccuracySpecException"/> naming the fix.</summary>
    public static IReadOnlyList<AccuracyRequirement> Parse(string? spec)
    {
        var result = new List<AccuracyRequirement>();
        if (spec is null) return result;
        foreach (var part in spec.Split(';'))
        {
            if (part.Trim().Length == 0) continue;
            result.Add(ParseOne(part.Trim()));
        }

        return result;
    }

    private static AccuracyRequirement ParseOne(string text)
    {
        // The output name may itself contain ':' (onnx::Flatten_0): the metric starts after the last ": ".
        var colon = text.LastIndexOf(':');
        if (colon <= 0) throw Bad(text, "no output name", "start with the output's name and a colon, e.g. \"sigmoid_0.tmp_0: agreement@0.3 >= 99.5%\", or \"*:\" for every output");
        var output = text.Substring(0, colon).Trim();
        var rest = text.Substring(colon + 1).Trim();

        var opIndex = rest.IndexOf(">=", StringComparison.Ordinal);
        var op = ">=";
        if (opIndex < 0) { opIndex = rest.IndexOf("<=", StringComparison.Ordinal); op = "<="; }
        if (opIndex < 0) throw Bad(text, "no comparison", "write the threshold as \">= VALUE\" (or \"<= VALUE\" for maxabs)");
        var metricText = rest.Substring(0, opIndex).Trim();
        var valueText = rest.Substring(opIndex + 2).Trim();

        var mean = false;
        if (metricText.StartsWith("mean ", StringComparison.OrdinalIgnoreCase)) { mean = true; metricText = metricText.Substring(5).Trim(); }

        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var paren = metricText.IndexOf('(');
        if (paren >= 0)
        {
            if (!metricText.EndsWith(")", StringComparison.Ordinal)) throw Bad(text, "unclosed '('", "write options as (eps=0.05) or (blank=0)");
            foreach (var pair in metricText.Substring(paren + 1, metricText.Length - paren - 2).Split(','))
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0) throw Bad(text, $"option '{pair.Trim()}' is not KEY=VALUE", "write options as (eps=0.05) or (blank=0)");
                options[pair.Substring(0, eq).Trim()] = pair.Substring(eq + 1).Trim();
            }

            metricText = metricText.Substring(0, paren).Trim();
        }

        string? atText = null;
        var at = metricText.IndexOf('@');
        if (at >= 0) { atText = metricText.Substring(at + 1).Trim(); metricText = metricText.Substring(0, at).Trim(); }

        var info = Table.FirstOrDefault(m => string.Equals(m.Name, metricText, StringComparison.OrdinalIgnoreCase))
            ?? throw Bad(text, $"unknown metric '{metricText}'", "use one of " + string.Join(", ", Table.Select(m => m.Name)));
        if ((op == ">=") != info.HigherIsBetter)
            throw Bad(text, $"{info.Name} is {(info.HigherIsBetter ? "higher" : "lower")}-is-better", $"write \"{info.Name} {(info.HigherIsBetter ? ">=" : "<=")} VALUE\"");

        double atValue = 0, epsilon = 0;
        int? blank = null;
        if (info.Kind is AccuracyMetricKind.Agreement or AccuracyMetricKind.Iou)
        {
            if (atText is null || !TryNumber(atText, out atValue)) throw Bad(text, $"{info.Name} needs its threshold", $"write {info.Name}@T, e.g. {info.Name}@0.3");
        }
        else if (atText is not null) throw Bad(text, $"{info.Name} takes no @T", "only agreement@T and iou@T have a threshold");

        foreach (var option in options)
        {
            if (info.Kind == AccuracyMetricKind.Agreement && option.Key.Equals("eps", StringComparison.OrdinalIgnoreCase) && TryNumber(option.Value, out epsilon) && epsilon >= 0) continue;
            if (info.Kind is AccuracyMetricKind.Argmax or AccuracyMetricKind.Ctc && option.Key.Equals("blank", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(option.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var b) && b >= 0) { blank = b; continue; }
            throw Bad(text, $"option '{option.Key}={option.Value}' does not apply to {info.Name}", "agreement takes (eps=E) with E >= 0, argmax and ctc take (blank=K) with K a class index");
        }

        if (info.Kind == AccuracyMetricKind.Ctc) blank ??= 0; // CTC's usual blank, so the spelling round-trips one way
        var threshold = ParseThreshold(text, info, valueText);
        return new AccuracyRequirement(output, info.Kind, threshold, mean, atValue, epsilon, blank);
    }

    private static double ParseThreshold(string text, AccuracyMetricInfo info, string valueText)
    {
        var percent = valueText.EndsWith("%", StringComparison.Ordinal);
        var db = valueText.EndsWith("dB", StringComparison.OrdinalIgnoreCase);
        var number = percent ? valueText.Substring(0, valueText.Length - 1) : db ? valueText.Substring(0, valueText.Length - 2) : valueText;
        if (!TryNumber(number.Trim(), out var value)) throw Bad(text, $"'{valueText}' is not a number", $"write the threshold as a number{(info.Unit.Length > 0 ? " in " + info.Unit : "")}");
        if (db && info.Unit != "dB") throw Bad(text, $"{info.Name} is not in dB", info.Unit == "%" ? "write a percentage such as 99.5%" : "write a plain number");
        if (percent && info.Unit != "%") throw Bad(text, $"{info.Name} is not a percentage", info.Unit == "dB" ? "write decibels such as 30dB" : "write a plain number");
        if (info.Unit == "%")
        {
            if (percent) value /= 100;
            else if (value > 1) throw Bad(text, $"{value.ToString(CultureInfo.InvariantCulture)} is more than 100%", $"write it as a percentage: {value.ToString(CultureInfo.InvariantCulture)}%");
            if (value < 0 || value > 1) throw Bad(text, "a share must be between 0% and 100%", "write a percentage such as 99.5%");
        }

        if (info.Kind == AccuracyMetricKind.Cosine && (value < -1 || value > 1)) throw Bad(text, "cosine is between -1 and 1", "write e.g. cosine >= 0.999");
        if (info.Kind == AccuracyMetricKind.MaxAbs && value < 0) throw Bad(text, "maxabs is never negative", "write e.g. maxabs <= 0.05");
        return value;
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value) && !double.IsInfinity(value);

    private static AccuracySpecException Bad(string text, string problem, string fix) => new($"accuracy budget \"{text}\": {problem}. Fix: {fix}");
}
