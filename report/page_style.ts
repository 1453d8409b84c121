/**
 * The report page's stylesheet, embedded as text.
 *
 * @module
 */

/** CSS of the report page (light and dark). */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1d1f23; --muted: #6b7280; --bg: #fff; --panel: #f6f7f9;
  --line: #e3e5e8; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --info: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e6e6; --muted: #9aa0a6; --bg: #16181c;
  --panel: #1f2227; --line: #30343a; --ok: #3fb950; --bad: #f85149; --warn: #d29922; --info: #58a6ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 12px 20px; border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0; } h2 { font-size: 16px; margin: 0 0 8px; }
h3 { font-size: 14px; margin: 0 0 6px; } h4 { font-size: 12px; margin: 8px 0 4px; color: var(--muted);
  text-transform: uppercase; letter-spacing: .04em; }
.summary { display: flex; flex-wrap: wrap; gap: 12px; padding: 12px 20px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px;
  max-width: 100%; overflow-x: auto; }
.card.compare { flex-basis: 100%; } .warning { color: var(--warn); margin: 4px 0; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 0 0 8px; }
dt { color: var(--muted); } dd { margin: 0; }
.side { display: inline-block; min-width: 20px; text-align: center; border-radius: 4px;
  background: var(--info); color: #fff; }
svg text { font-size: 11px; fill: var(--fg); } .bar.run0 { fill: var(--info); } .bar.run1 { fill: var(--warn); }
.verdicts rect.v-correct, .badge.v-correct { fill: var(--ok); background: var(--ok); }
rect[class^="v-"] { fill: var(--bad); } rect.v-correct { fill: var(--ok); }
rect.v-truncated, rect.v-no_answer, rect.v-no_code { fill: var(--warn); }
.badge.v-truncated, .badge.v-no_answer, .badge.v-no_code { background: var(--warn); }
rect.v-grader_error, rect.v-infra_error, rect.v-pending, rect.v-unscored { fill: var(--muted); }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; line-height: 18px;
  color: #fff; background: var(--bad); white-space: nowrap; }
.badge.v-correct { background: var(--ok); } .badge.v-partial { background: var(--warn); }
.badge.v-grader_error, .badge.v-infra_error, .badge.v-pending, .badge.v-unscored, .badge.v-errored {
  background: var(--muted); }
.legend { margin-top: 4px; display: flex; flex-wrap: wrap; gap: 4px; }
.browser { padding: 0 20px 20px; }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 8px 0; }
.controls input { flex: 1 1 240px; padding: 4px 8px; } select, input { font: inherit; }
.panes { display: flex; gap: 12px; align-items: flex-start; }
.list { position: relative; flex: 0 0 42%; height: 70vh; overflow-y: auto; border: 1px solid var(--line);
  border-radius: 8px; }
.list-inner { position: relative; }
.row { position: absolute; left: 0; right: 0; height: 30px; display: flex; gap: 8px; align-items: center;
  padding: 0 8px; border-bottom: 1px solid var(--line); color: inherit; text-decoration: none;
  white-space: nowrap; overflow: hidden; }
.row:hover { background: var(--panel); } .row.selected { background: var(--panel); outline: 2px solid var(--info); }
.row .id { flex: 0 0 90px; overflow: hidden; text-overflow: ellipsis; font-family: ui-monospace, monospace; }
.row .answer { overflow: hidden; text-overflow: ellipsis; color: var(--muted); font-family: ui-monospace, monospace; }
.row .arrow { flex: 0 0 12px; color: var(--muted); }
.detail { flex: 1; min-width: 0; height: 70vh; overflow-y: auto; border: 1px solid var(--line);
  border-radius: 8px; padding: 12px; }
.detail-head { display: flex; gap: 12px; align-items: baseline; } .anchor { color: var(--info); }
pre { white-space: pre-wrap; word-break: break-word; margin: 0; padding: 8px; background: var(--panel);
  border-radius: 6px; font: 12.5px/1.45 ui-monospace, monospace; max-height: 40vh; overflow: auto; }
.response { border-top: 1px solid var(--line); margin-top: 10px; padding-top: 8px; }
.response-head { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.why { color: var(--muted); margin-top: 4px; } .tests { display: flex; flex-wrap: wrap; gap: 3px; margin-top: 4px; }
details.reasoning summary { cursor: pointer; color: var(--muted); margin-top: 6px; }
.columns { display: flex; gap: 12px; } .column { flex: 1; min-width: 0; }
.muted { color: var(--muted); }
@media (max-width: 800px) { .panes, .columns { flex-direction: column; } .list { flex-basis: auto; width: 100%;
  height: 45vh; } .detail { height: auto; width: 100%; } }
`;
