/**
 * The HTML report's inline style and script. No external resource of any kind: the page's
 * Content-Security-Policy (`default-src 'none'`) would block one, so the report works offline and
 * from a file by construction.
 */
export const AUDIT_HTML_STYLE = `
:root { color-scheme: light; --fg: #1d2939; --muted: #475467; --line: #d0d5dd; --bg: #fff; --panel: #f9fafb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 16px; }
h1 { font-size: 1.6rem; margin: 0.2em 0; }
h2 { font-size: 1.25rem; margin: 1.6em 0 0.5em; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin: 1.2em 0 0.4em; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 8px 0; }
a { color: #175cd3; }
.muted { color: var(--muted); }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin: 0; }
.kpis div { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.kpis dt { font-size: 0.85rem; color: var(--muted); }
.kpis dd { margin: 0; font-size: 1.5rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 8px 24px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n, th.n { text-align: right; }
tbody tr:hover { background: var(--panel); }
.key { word-break: break-all; }
.chart { width: 100%; height: auto; max-height: 260px; font-size: 11px; fill: var(--fg); }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 4px 0; }
.legend span { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; border: 1px solid #0003; }
.suggestion { border-left: 4px solid #b54708; background: var(--panel); padding: 8px 14px; margin: 10px 0; }
pre { background: #101828; color: #f2f4f7; padding: 10px; overflow-x: auto; border-radius: 4px; font-size: 13px; }
details.history { border: 1px solid var(--line); border-radius: 4px; margin: 6px 0; padding: 4px 10px; }
details.history[open] { background: var(--panel); }
summary { cursor: pointer; }
.action-deny { font-weight: 600; }
button, select { font: inherit; }
:focus-visible { outline: 3px solid #175cd3; outline-offset: 2px; }
@media print { nav, .controls { display: none; } details.history { break-inside: avoid; } }
`;

/** Drill-down (select an object → its history opens) and the JSON export. Works on the page's own data only. */
export const AUDIT_HTML_SCRIPT = `
(function () {
  "use strict";
  var select = document.getElementById("object-select");
  var status = document.getElementById("drilldown-status");
  function show(object) {
    var shown = null;
    document.querySelectorAll("details.history").forEach(function (d) {
      var match = d.getAttribute("data-object") === object;
      d.open = match;
      if (match) shown = d;
    });
    if (shown) {
      status.textContent = "Showing the history of " + object + ".";
      shown.scrollIntoView({ block: "nearest" });
      shown.querySelector("summary").focus();
    }
  }
  if (select) {
    select.addEventListener("change", function () { if (select.value) show(select.value); });
  }
  document.querySelectorAll("button[data-object]").forEach(function (b) {
    b.addEventListener("click", function () {
      var object = b.getAttribute("data-object");
      if (select) select.value = object;
      show(object);
    });
  });
  var save = document.getElementById("save-json");
  if (save) {
    save.addEventListener("click", function () {
      var text = document.getElementById("audit-report").textContent;
      var url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
      var a = document.createElement("a");
      a.href = url;
      a.download = "gitops-guard-audit.json";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 0);
    });
  }
})();
`;
