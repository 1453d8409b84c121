/**
 * The report as one self-contained HTML file: no network, no server. The
 * summary (accuracy with its interval, pass@k, maj@k, verdicts, tokens) and
 * the breakdowns are rendered here as HTML and plain SVG; the samples are
 * embedded as JSON and drawn by the page's script as they scroll into view.
 * Pure.
 *
 * @module
 */
import type { RunComparison } from "../core/compare_runs.ts";
import type { Summary } from "../core/summary.ts";
import { PAGE_SCRIPT } from "./page_script.ts";
import { PAGE_STYLE } from "./page_style.ts";
import type { ReportData } from "./report_data.ts";

/** Renders the report page. */
export function reportHtml(data: ReportData): string {
  const embedded = JSON.stringify({
    mode: data.mode,
    fields: data.fields,
    labels: data.runs.map((r) => r.label),
    samples: data.samples,
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(data.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(data.title)}</h1></header>
<section class="summary">
${data.comparison ? comparisonBox(data.comparison) : ""}
${data.runs.map((run, i) => runBox(run, data.runs.length > 1 ? (i ? "B" : "A") : "")).join("\n")}
${breakdownCharts(data)}
</section>
<section class="browser">
<div class="controls">
<select id="verdict" aria-label="verdict"></select>
<select id="group" aria-label="group"></select>
<input id="search" type="search" placeholder="search prompts, answers, responses" aria-label="search">
<span id="count" class="muted"></span>
</div>
<div class="panes">
<div id="list" class="list"><div id="list-inner" class="list-inner"></div></div>
<div id="detail" class="detail"></div>
</div>
</section>
<script type="application/json" id="report-data">${safeJson(embedded)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** JSON that cannot end its script element: every `<` is escaped. */
function safeJson(json: string): string {
  return json.replaceAll("<", "\\u003c");
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

function runBox(run: { label: string; path: string; summary: Summary }, side: string): string {
  const s = run.summary;
  const st = s.statistics;
  const facts: [string, string][] = [
    [
      "accuracy",
      s.accuracy === null
        ? `not final (${s.status})`
        : `${pct(s.accuracy)}${s.ci95 ? ` (95% CI ${pct(s.ci95[0])}–${pct(s.ci95[1])})` : ""}`,
    ],
    ["problems", `${s.num_samples} × ${s.n} = ${s.num_responses} responses`],
  ];
  if (s.n > 1 && st.mean_at_n !== null) {
    facts.push([`mean@${s.n}`, pct(st.mean_at_n)]);
    if (st.clustered_ci95) {
      facts.push([
        "clustered 95% CI",
        `${pct(st.clustered_ci95[0])}–${pct(st.clustered_ci95[1])}`,
      ]);
    }
  }
  if (s.pass_at_k) {
    facts.push([
      "pass@k",
      Object.entries(s.pass_at_k).map(([k, v]) => `@${k.slice(2)} ${v.toFixed(1)}%`).join(" "),
    ]);
  }
  if (st.maj_at_k) {
    facts.push([
      "maj@k",
      Object.entries(st.maj_at_k).map(([k, v]) => `@${k.slice(2)} ${v.toFixed(1)}%`).join(" "),
    ]);
  }
  if (s.unscored_responses) facts.push(["unscored", String(s.unscored_responses)]);
  if (s.errored_samples) facts.push(["failed to generate", String(s.errored_samples)]);
  facts.push([
    "tokens",
    `${st.tokens.prompt} prompt, ${st.tokens.completion} completion${
      st.tokens.reasoning !== null ? `, ${st.tokens.reasoning} reasoning` : ""
    }${
      st.tokens.completion_per_correct !== null
        ? `, ${st.tokens.completion_per_correct} per correct answer`
        : ""
    }`,
  ]);
  if (st.time) {
    facts.push([
      "time",
      `${st.time.generation_seconds} s generating, ${st.time.mean_seconds_per_sample} s per problem`,
    ]);
  }
  return `<div class="card">
<h2>${side ? `<span class="side">${side}</span> ` : ""}${escapeHtml(run.label)}</h2>
<dl>${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>
${verdictBar(s.verdicts)}
</div>`;
}

function comparisonBox(c: RunComparison): string {
  const points = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(1)}`;
  const warnings = [...c.not_comparable.map((w) => `not comparable: ${w}`), ...c.warnings];
  return `<div class="card compare">
<h2>B − A: ${points(c.difference)} points</h2>
<p>95% CI ${points(c.ci95[0])} to ${points(c.ci95[1])}, p = ${c.p_value.toPrecision(3)} (${
    c.test === "mcnemar_exact" ? "McNemar exact test" : "paired bootstrap over problems"
  }) on ${c.shared_problems} shared problems, paired by ${c.paired_by}.
${c.improved.length} better in B, ${c.regressed.length} worse in B.
${
    c.problems_needed === null
      ? ""
      : `Resolving a difference this size at 80% power takes about ${c.problems_needed} problems.`
  }</p>
${warnings.map((w) => `<p class="warning">${escapeHtml(w)}</p>`).join("\n")}
</div>`;
}

function verdictBar(verdicts: Partial<Record<string, number>>): string {
  const entries = Object.entries(verdicts).filter(([, n]) => n) as [string, number][];
  const total = entries.reduce((a, [, n]) => a + n, 0);
  if (!total) return "";
  let x = 0;
  const rects = entries.map(([v, n]) => {
    const w = (n / total) * 400;
    const rect = `<rect class="v-${escapeHtml(v)}" x="${x.toFixed(2)}" y="0" width="${
      w.toFixed(2)
    }" height="14"><title>${escapeHtml(v)}: ${n}</title></rect>`;
    x += w;
    return rect;
  });
  return `<svg class="verdicts" viewBox="0 0 400 14" width="400" height="14" role="img" aria-label="verdicts">${
    rects.join("")
  }</svg>
<div class="legend">${
    entries.map(([v, n]) => `<span class="badge v-${escapeHtml(v)}">${escapeHtml(v)} ${n}</span>`)
      .join(" ")
  }</div>`;
}

/** One horizontal bar chart per breakdown field; two bars per group when comparing. */
function breakdownCharts(data: ReportData): string {
  const charts = data.fields.map((field) => {
    const groups = new Set<string>();
    for (const run of data.runs) {
      for (const g of Object.keys(run.summary.statistics.breakdowns[field] ?? {})) groups.add(g);
    }
    const values = [...groups].sort(new Intl.Collator("en", { numeric: true }).compare);
    const barH = 12;
    const rowH = barH * data.runs.length + 8;
    const labelW = 170;
    const width = 520;
    const rows = values.map((value, i) => {
      const y = i * rowH + 4;
      const bars = data.runs.map((run, r) => {
        const g = run.summary.statistics.breakdowns[field]?.[value];
        if (!g) return "";
        const w = g.accuracy * (width - labelW - 110);
        return `<rect class="bar run${r}" x="${labelW}" y="${y + r * barH}" width="${
          w.toFixed(1)
        }" height="${barH - 2}"></rect><text x="${labelW + w + 4}" y="${y + r * barH + barH - 3}">${
          pct(g.accuracy)
        } of ${g.problems}</text>`;
      }).join("");
      const label = value.length > 26 ? `${value.slice(0, 25)}…` : value;
      return `<text class="label" x="${labelW - 6}" y="${y + barH - 2}" text-anchor="end">${
        escapeHtml(label)
      }</text>${bars}`;
    });
    const height = values.length * rowH + 4;
    return `<div class="card chart"><h3>accuracy by ${escapeHtml(field)}</h3>
<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="accuracy by ${
      escapeHtml(field)
    }">${rows.join("")}</svg></div>`;
  });
  return charts.join("\n");
}
