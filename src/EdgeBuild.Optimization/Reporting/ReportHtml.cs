using System.Globalization;
using System.Net;
using System.Text;

namespace EdgeBuild.Optimization.Reporting;

/// <summary>
/// Renders a report as one self-contained HTML page: inline CSS, inline SVG charts drawn here, a few
/// lines of inline JS for hover details. No network access, no external files.
/// </summary>
public static class ReportHtml
{
    /// <summary>SQNR values above this are drawn at full height (and ∞ for identical values).</summary>
    private const double ChartMaxDb = 60;

    public static string Render(OptimizationReport r)
    {
        var s = new StringBuilder();
        s.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        s.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        s.Append($"<title>EdgeBuild report: {E(r.ModelName)} for {E(r.Target)}</title>\n");
        s.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        s.Append($"<header><h1>{E(r.ModelName)}</h1><p>target <b>{E(r.Target)}</b> · precision <b>{E(r.Precision)}</b>");
        if (r.Cache is not null) s.Append($" · cache <b>{E(r.Cache)}</b>");
        s.Append("</p></header>\n<main>\n");

        Summary(s, r);
        LayerChart(s, r);
        Outputs(s, r);
        Memory(s, r);
        Nodes(s, r);
        Stages(s, r);
        Plan(s, r);
        Notes(s, r);

        s.Append("</main>\n<script>\n").Append(Script).Append("</script>\n</body>\n</html>\n");
        return s.ToString();
    }

    private static void Summary(StringBuilder s, OptimizationReport r)
    {
        s.Append("<section class=\"cards\">\n");
        var ratio = r.OriginalBytes == 0 ? 0 : (double)r.OptimizedBytes / r.OriginalBytes;
        Card(s, "Model size", $"{ByteSize.Format(r.OptimizedBytes)}", $"was {ByteSize.Format(r.OriginalBytes)} ({F(ratio * 100, "0.0")}%)");
        if (r.Outputs.Count > 0)
        {
            var worst = r.Outputs.MinBy(o => o.SqnrDb)!;
            Card(s, r.OutputsAreSynthetic ? "Worst output SQNR (made-up inputs)" : "Worst output SQNR", Db(worst.SqnrDb), E(worst.Name));
        }

        if (r.Memory is { } m)
            Card(s, "Estimated peak memory", ByteSize.Format(m.EstimatedPeakBytes),
                r.MaxPeakMemoryBytes is { } b ? $"budget {ByteSize.Format(b)}" : "no budget");
        Card(s, "Nodes", $"{r.OptimizedNodeCount}", $"was {r.OriginalNodeCount}; {r.QuantizedNodes.Count} quantized, {r.ExcludedNodes.Count} kept in float");
        s.Append("</section>\n");
    }

    private static void Card(StringBuilder s, string title, string value, string detail) =>
        s.Append($"<div class=\"card\"><h3>{E(title)}</h3><div class=\"big\">{E(value)}</div><div class=\"small\">{E(detail)}</div></div>\n");

    private static void LayerChart(StringBuilder s, OptimizationReport r)
    {
        s.Append("<section><h2>Per-layer error</h2>\n");
        if (r.Layers.Count == 0)
        {
            s.Append("<p class=\"small\">No per-layer data (the model was not compared layer by layer).</p></section>\n");
            return;
        }

        const int height = 240, top = 10, bottom = 30, left = 44;
        var barWidth = Math.Max(3.0, Math.Min(24.0, 900.0 / r.Layers.Count));
        var width = (int)Math.Ceiling(left + barWidth * r.Layers.Count + 10);
        var plot = height - top - bottom;
        s.Append($"<p class=\"small\">SQNR of each intermediate value vs the original (higher is better; values ≥ {F(ChartMaxDb, "0")} dB or identical are drawn full height). Hover a bar for details.</p>\n");
        s.Append($"<div class=\"chart-box\"><svg id=\"layer-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"per-layer SQNR\">\n");
        s.Append($"<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n");
        foreach (var db in new[] { 0, 20, 40, 60 })
        {
            var y = top + plot - plot * db / ChartMaxDb;
            s.Append($"<line x1=\"{left}\" x2=\"{width - 5}\" y1=\"{F(y)}\" y2=\"{F(y)}\" class=\"grid\"/><text x=\"{left - 6}\" y=\"{F(y + 4)}\" class=\"axis\" text-anchor=\"end\">{db}</text>\n");
        }

        for (var i = 0; i < r.Layers.Count; i++)
        {
            var layer = r.Layers[i];
            var value = double.IsNaN(layer.SqnrDb) ? 0 : Math.Clamp(layer.SqnrDb, 0, ChartMaxDb);
            var h = Math.Max(1, plot * value / ChartMaxDb);
            var x = left + i * barWidth;
            var cls = layer.SqnrDb < 20 ? "bad" : layer.SqnrDb < 30 ? "warn" : "ok";
            s.Append($"<rect class=\"bar {cls}\" x=\"{F(x + 0.5)}\" y=\"{F(top + plot - h)}\" width=\"{F(Math.Max(1, barWidth - 1))}\" height=\"{F(h)}\" data-name=\"{E(layer.Name)}\" data-op=\"{E(layer.OpType)}\" data-db=\"{E(Db(layer.SqnrDb))}\"><title>{E(layer.Name)} ({E(layer.OpType)}): {E(Db(layer.SqnrDb))}</title></rect>\n");
        }

        s.Append($"<text x=\"{left}\" y=\"{height - 8}\" class=\"axis\">layers in graph order ({r.Layers.Count})</text>\n");
        s.Append("</svg></div>\n<p id=\"layer-detail\" class=\"small\">&nbsp;</p>\n</section>\n");
    }

    private static void Outputs(StringBuilder s, OptimizationReport r)
    {
        if (r.Outputs.Count == 0) return;
        s.Append(r.OutputsAreSynthetic
            ? "<section><h2>Outputs on made-up inputs</h2><p class=\"finding\">No ValidationData: these figures come from inputs synthesized from the declared dims. They show the model runs and stays close to the original; they are not an accuracy measurement.</p><table>"
            : "<section><h2>Outputs</h2><table>");
        s.Append("<thead><tr><th>output</th><th>SQNR</th><th>worst sample</th><th>max |error|</th><th>cosine</th><th>budgets</th></tr></thead><tbody>\n");
        foreach (var o in r.Outputs)
            s.Append($"<tr><td>{E(o.Name)}</td><td>{E(Db(o.SqnrDb))}</td><td>{E(o.WorstSampleSqnrDb is { } w ? Db(w) : "")}</td><td>{E(o.MaxAbsError is { } a ? F(a, "G4") : "")}</td><td>{E(o.Cosine is { } c ? F(c, "0.00000") : "")}</td><td>{E(string.Join("; ", o.Metrics.Select(m => $"{m.Metric} {m.Measured} {m.Budget} {(m.Holds ? "holds" : "misses")}")))}</td></tr>\n");
        s.Append("</tbody></table></section>\n");
    }

    private static void Memory(StringBuilder s, OptimizationReport r)
    {
        s.Append("<section><h2>Memory and size vs budget</h2>\n");
        if (r.Memory is { } m)
        {
            s.Append($"<p>Estimated peak <b>{E(ByteSize.Format(m.EstimatedPeakBytes))}</b> = weights {E(ByteSize.Format(m.InitializerBytes))} + activations {E(ByteSize.Format(m.PeakActivationBytes))}");
            if (m.PeakNode is not null) s.Append($" (peak at {E(m.PeakNode)})");
            s.Append($", for {E(string.Join(" ", m.InputShapes))}.</p>\n");
            Gauge(s, "peak memory", m.EstimatedPeakBytes, r.MaxPeakMemoryBytes);
        }

        Gauge(s, "model file", r.OptimizedBytes, r.MaxModelBytes);
        foreach (var finding in r.Findings) s.Append($"<p class=\"finding\">{E(finding)}</p>\n");
        s.Append("</section>\n");
    }

    private static void Gauge(StringBuilder s, string label, long value, long? budget)
    {
        var scale = Math.Max(value, budget ?? 0);
        var fraction = scale == 0 ? 0 : (double)value / scale;
        var over = budget is { } b && value > b;
        s.Append($"<div class=\"gauge\"><span class=\"label\">{E(label)}</span><svg width=\"420\" height=\"18\" viewBox=\"0 0 420 18\"><rect x=\"0\" y=\"2\" width=\"420\" height=\"14\" fill=\"#eceff3\"/>");
        s.Append($"<rect x=\"0\" y=\"2\" width=\"{F(420 * fraction)}\" height=\"14\" class=\"{(over ? "bad" : "ok")}\"/>");
        if (budget is { } limit) s.Append($"<line x1=\"{F(420.0 * limit / scale)}\" x2=\"{F(420.0 * limit / scale)}\" y1=\"0\" y2=\"18\" stroke=\"#222\" stroke-width=\"2\"/>");
        s.Append($"</svg><span class=\"small\">{E(ByteSize.Format(value))}{(budget is { } bb ? $" of {ByteSize.Format(bb)}" : " (no budget)")}</span></div>\n");
    }

    private static void Nodes(StringBuilder s, OptimizationReport r)
    {
        s.Append($"<section><h2>Nodes</h2><details><summary>{r.QuantizedNodes.Count} quantized</summary><ul class=\"cols\">");
        foreach (var n in r.QuantizedNodes) s.Append($"<li>{E(n)}</li>");
        s.Append($"</ul></details>\n<details open><summary>{r.ExcludedNodes.Count} kept in float</summary><table><tbody>");
        foreach (var n in r.ExcludedNodes) s.Append($"<tr><td>{E(n.Name)}</td><td>{E(n.Reason)}</td></tr>");
        s.Append("</tbody></table></details></section>\n");
    }

    private static void Stages(StringBuilder s, OptimizationReport r)
    {
        if (r.Stages.Count == 0) return;
        var total = Math.Max(r.Stages.Sum(t => t.Milliseconds), 1e-9);
        s.Append($"<section><h2>Time per stage</h2><p class=\"small\">total {F(total / 1000, "0.00")} s</p><table><tbody>\n");
        foreach (var t in r.Stages)
            s.Append($"<tr><td>{E(t.Stage)}</td><td class=\"num\">{F(t.Milliseconds, "0")} ms</td><td><svg width=\"300\" height=\"12\" viewBox=\"0 0 300 12\"><rect x=\"0\" y=\"1\" width=\"{F(300 * t.Milliseconds / total)}\" height=\"10\" class=\"ok\"/></svg></td></tr>\n");
        s.Append("</tbody></table></section>\n");
    }

    private static void Plan(StringBuilder s, OptimizationReport r)
    {
        if (r.Plan is not { } plan) return;
        s.Append("<section><h2>Plan</h2><ol class=\"plan\">\n");
        foreach (var step in plan.Steps)
        {
            s.Append($"<li><b>{E(step.Id)}</b> — {E(step.Reason)}");
            if (step.Settings.Count > 0)
                s.Append("<div class=\"small\">").Append(string.Join(" · ", step.Settings.Select(kv => $"{E(kv.Key)}={E(kv.Value)}"))).Append("</div>");
            s.Append("</li>\n");
        }

        s.Append("</ol>");
        foreach (var w in plan.Warnings) s.Append($"<p class=\"finding\">warning: {E(w)}</p>");
        s.Append("</section>\n");
    }

    private static void Notes(StringBuilder s, OptimizationReport r)
    {
        if (r.Notes.Count == 0) return;
        s.Append("<section><h2>Notes</h2><ul>");
        foreach (var n in r.Notes) s.Append($"<li>{E(n)}</li>");
        s.Append("</ul></section>\n");
    }

    private static string Db(double db) =>
        double.IsPositiveInfinity(db) ? "∞ dB (identical)" : double.IsNaN(db) ? "n/a" : F(db, "0.0") + " dB";

    private static string F(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d2329; background: #f6f7f9; }
        header { background: #1d2329; color: #fff; padding: 14px 24px; }
        header h1 { margin: 0; font-size: 20px; } header p { margin: 4px 0 0; color: #c9d1d9; }
        main { padding: 16px 24px; max-width: 1200px; }
        section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 12px 16px; margin-bottom: 14px; }
        h2 { font-size: 16px; margin: 0 0 8px; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; background: none; border: 0; padding: 0; }
        .card { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 10px 14px; min-width: 200px; }
        .card h3 { margin: 0; font-size: 12px; color: #57606a; font-weight: 600; text-transform: uppercase; }
        .big { font-size: 22px; font-weight: 600; } .small { font-size: 12px; color: #57606a; }
        table { border-collapse: collapse; } td, th { padding: 3px 10px 3px 0; text-align: left; vertical-align: top; } .num { text-align: right; }
        .chart-box { overflow-x: auto; }
        .grid { stroke: #e3e6ea; stroke-width: 1; } .axis { font-size: 11px; fill: #57606a; }
        .ok { fill: #2f81f7; } .warn { fill: #d29922; } .bad { fill: #cf222e; }
        .bar:hover { opacity: .7; }
        .gauge { display: flex; align-items: center; gap: 10px; margin: 4px 0; } .gauge .label { width: 110px; }
        .finding { color: #9a6700; } ul.cols { columns: 3; font-size: 12px; } .plan li { margin-bottom: 4px; }
        """;

    private const string Script = """
        (function () {
          var detail = document.getElementById('layer-detail');
          var chart = document.getElementById('layer-chart');
          if (!detail || !chart) return;
          chart.addEventListener('mouseover', function (e) {
            var t = e.target;
            if (t && t.getAttribute && t.getAttribute('data-name')) {
              detail.textContent = t.getAttribute('data-name') + ' (' + t.getAttribute('data-op') + '): ' + t.getAttribute('data-db');
            }
          });
        })();
        """;
}
