/**
 * The report page's script, embedded as text: it reads the embedded data,
 * filters it (verdict, breakdown group, full-text search; all kept in the
 * URL hash so a view can be linked), and renders only the rows in view, so
 * 100,000 samples never become 100,000 DOM nodes. Model output is only ever
 * set as text, never as HTML.
 *
 * @module
 */

/** The script (plain ES5-style JavaScript, no template literals). */
export const PAGE_SCRIPT = String.raw`
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  var data = JSON.parse(source.textContent);
  // The parsed copy is all the page needs: drop the text (tens of MB at 100k samples).
  source.textContent = "";
  var samples = data.samples;
  var fields = data.fields;
  var compare = data.mode === "compare";
  var ROW = 30;
  var list = document.getElementById("list");
  var inner = document.getElementById("list-inner");
  var detail = document.getElementById("detail");
  var count = document.getElementById("count");
  var verdictSelect = document.getElementById("verdict");
  var groupSelect = document.getElementById("group");
  var search = document.getElementById("search");
  var shown = samples.map(function (_, i) { return i; });
  var haystack = null;
  var selected = null;
  var byId = new Map();
  samples.forEach(function (s, i) { byId.set(s.id, i); });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function responsesOf(s) {
    return compare ? (s.r || []).concat(s.r2 || []) : s.r;
  }

  // Filter options: every verdict present, every breakdown group.
  var verdictCounts = new Map();
  samples.forEach(function (s) {
    var seen = new Set();
    responsesOf(s).forEach(function (r) { seen.add(r.v); });
    seen.forEach(function (v) { verdictCounts.set(v, (verdictCounts.get(v) || 0) + 1); });
  });
  function option(select, value, label) {
    var o = el("option", null, label);
    o.value = value;
    select.appendChild(o);
  }
  option(verdictSelect, "", "any verdict");
  if (compare) {
    var flips = [0, 0];
    samples.forEach(function (s) { if (s.d === 1) flips[0]++; if (s.d === -1) flips[1]++; });
    option(verdictSelect, "flipped", "flipped (" + (flips[0] + flips[1]) + ")");
    option(verdictSelect, "improved", "better in B (" + flips[0] + ")");
    option(verdictSelect, "regressed", "worse in B (" + flips[1] + ")");
  }
  Array.from(verdictCounts.keys()).sort().forEach(function (v) {
    option(verdictSelect, v, v + " (" + verdictCounts.get(v) + ")");
  });
  option(groupSelect, "", "all problems");
  fields.forEach(function (field, f) {
    var values = new Map();
    samples.forEach(function (s) {
      if (s.g[f] !== null) values.set(s.g[f], (values.get(s.g[f]) || 0) + 1);
    });
    var collator = new Intl.Collator("en", { numeric: true });
    Array.from(values.keys()).sort(collator.compare).forEach(function (v) {
      option(groupSelect, field + "=" + v, field + ": " + v + " (" + values.get(v) + ")");
    });
  });

  function matchesVerdict(s, v) {
    if (!v) return true;
    if (v === "flipped") return s.d === 1 || s.d === -1;
    if (v === "improved") return s.d === 1;
    if (v === "regressed") return s.d === -1;
    return responsesOf(s).some(function (r) { return r.v === v; });
  }

  function textOf(s) {
    var parts = [s.id, s.q, s.a];
    responsesOf(s).forEach(function (r) { parts.push(r.x || "", r.t, r.th || "", r.why); });
    return parts.join("\n").toLowerCase();
  }

  function applyFilters() {
    var v = verdictSelect.value;
    var g = groupSelect.value;
    var field = -1;
    var value = null;
    if (g) {
      var at = g.indexOf("=");
      field = fields.indexOf(g.slice(0, at));
      value = g.slice(at + 1);
    }
    var q = search.value.trim().toLowerCase();
    if (q && !haystack) haystack = samples.map(textOf);
    shown = [];
    for (var i = 0; i < samples.length; i++) {
      var s = samples[i];
      if (field >= 0 && s.g[field] !== value) continue;
      if (!matchesVerdict(s, v)) continue;
      if (q && haystack[i].indexOf(q) < 0) continue;
      shown.push(i);
    }
    count.textContent = shown.length + " of " + samples.length + " problems";
    list.setAttribute("data-shown", String(shown.length));
    inner.style.height = shown.length * ROW + "px";
    list.scrollTop = 0;
    renderRows();
  }

  function badge(r) {
    var b = el("span", "badge v-" + r.v, r.v);
    b.title = r.why || r.v;
    return b;
  }

  function runCell(responses) {
    var cell = el("span", "cell");
    if (!responses || responses.length === 0) {
      cell.appendChild(el("span", "muted", "—"));
      return cell;
    }
    if (responses.length === 1) {
      cell.appendChild(badge(responses[0]));
    } else {
      var right = responses.filter(function (r) { return r.c === true; }).length;
      var judged = responses.filter(function (r) { return r.c !== null; }).length;
      cell.appendChild(el("span", "badge " + (right === judged && judged ? "v-correct" : right ? "v-partial" : "v-incorrect"), right + "/" + judged));
    }
    return cell;
  }

  function renderRows() {
    var first = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
    var last = Math.min(shown.length, first + Math.ceil((list.clientHeight || 600) / ROW) + 10);
    inner.textContent = "";
    for (var k = first; k < last; k++) {
      var s = samples[shown[k]];
      var row = el("a", "row" + (s.id === selected ? " selected" : ""));
      row.href = "#s=" + encodeURIComponent(s.id);
      row.setAttribute("data-id", s.id);
      row.style.top = k * ROW + "px";
      row.appendChild(el("span", "id", s.id));
      row.appendChild(runCell(s.r));
      if (compare) {
        row.appendChild(el("span", "arrow", s.d === 1 ? "▲" : s.d === -1 ? "▼" : ""));
        row.appendChild(runCell(s.r2));
      }
      var first0 = (s.r && s.r[0]) || (s.r2 && s.r2[0]);
      row.appendChild(el("span", "answer", first0 ? (first0.x === null ? "∅" : first0.x) + "  vs  " + s.a : ""));
      row.addEventListener("click", onRowClick);
      inner.appendChild(row);
    }
  }

  function onRowClick(event) {
    event.preventDefault();
    select(event.currentTarget.getAttribute("data-id"), true);
  }

  function section(title, text, className) {
    var box = el("div", "section " + (className || ""));
    box.appendChild(el("h4", null, title));
    box.appendChild(el("pre", null, text));
    return box;
  }

  function responseView(r, index, label) {
    var box = el("div", "response");
    var head = el("div", "response-head");
    head.appendChild(el("strong", null, (label ? label + " " : "") + "response " + (index + 1)));
    head.appendChild(badge(r));
    var facts = [];
    facts.push("extracted: " + (r.x === null ? "nothing" : r.x));
    if (r.tok !== null) facts.push(r.tok + " tokens");
    if (r.f) facts.push("finish: " + r.f);
    head.appendChild(el("span", "muted", facts.join(" · ")));
    box.appendChild(head);
    if (r.why) box.appendChild(el("div", "why", "why: " + r.why));
    if (r.tests) {
      var tests = el("div", "tests");
      r.tests.forEach(function (t, i) {
        var chip = el("span", "badge v-" + (t === "pass" ? "correct" : t), (i + 1) + ": " + t);
        tests.appendChild(chip);
      });
      box.appendChild(tests);
    }
    if (r.th !== null) {
      var d = el("details", "reasoning");
      d.appendChild(el("summary", null, "reasoning (" + r.th.length + " characters)"));
      d.appendChild(el("pre", null, r.th));
      box.appendChild(d);
    }
    box.appendChild(section("final answer", r.t, "final"));
    return box;
  }

  function renderDetail() {
    detail.textContent = "";
    if (selected === null || !byId.has(selected)) {
      detail.appendChild(el("p", "muted", "Select a problem to see its prompt and responses."));
      return;
    }
    var s = samples[byId.get(selected)];
    var head = el("div", "detail-head");
    var link = el("a", "anchor", "#" + s.id);
    link.href = "#s=" + encodeURIComponent(s.id);
    head.appendChild(el("h3", null, "Problem " + s.id));
    head.appendChild(link);
    detail.appendChild(head);
    var meta = [];
    fields.forEach(function (f, i) { if (s.g[i] !== null) meta.push(f + ": " + s.g[i]); });
    if (s.pt !== null) meta.push(s.pt + " prompt tokens");
    if (meta.length) detail.appendChild(el("div", "muted", meta.join(" · ")));
    detail.appendChild(section("prompt", s.q));
    detail.appendChild(section("gold", s.a, "gold"));
    if (compare) {
      var cols = el("div", "columns");
      [[s.r, data.labels[0]], [s.r2, data.labels[1]]].forEach(function (pair, side) {
        var col = el("div", "column");
        col.appendChild(el("h4", null, (side ? "B " : "A ") + pair[1]));
        (pair[0] || []).forEach(function (r, i) { col.appendChild(responseView(r, i, side ? "B" : "A")); });
        if (!pair[0] || !pair[0].length) col.appendChild(el("p", "muted", "not in this run"));
        cols.appendChild(col);
      });
      detail.appendChild(cols);
    } else {
      s.r.forEach(function (r, i) { detail.appendChild(responseView(r, i, "")); });
    }
  }

  function select(id, push) {
    selected = id;
    renderDetail();
    renderRows();
    if (push) writeHash();
  }

  function writeHash() {
    var parts = [];
    if (verdictSelect.value) parts.push("verdict=" + encodeURIComponent(verdictSelect.value));
    if (groupSelect.value) parts.push("group=" + encodeURIComponent(groupSelect.value));
    if (search.value) parts.push("q=" + encodeURIComponent(search.value));
    if (selected !== null) parts.push("s=" + encodeURIComponent(selected));
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname);
  }

  function readHash() {
    var state = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at > 0) state[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1));
    });
    verdictSelect.value = state.verdict || "";
    groupSelect.value = state.group || "";
    search.value = state.q || "";
    selected = state.s !== undefined ? state.s : null;
    applyFilters();
    renderDetail();
  }

  var timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { applyFilters(); writeHash(); }, 150);
  });
  verdictSelect.addEventListener("change", function () { applyFilters(); writeHash(); });
  groupSelect.addEventListener("change", function () { applyFilters(); writeHash(); });
  list.addEventListener("scroll", function () { requestAnimationFrame(renderRows); });
  window.addEventListener("hashchange", readHash);
  readHash();
  document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
})();
`;
