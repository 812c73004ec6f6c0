// detente's page: open a scenario, edit it in the table or as TOML, run a model, see the charts.
// Every text from a scenario goes into the page as a text node (never as HTML); the only HTML
// inserted is the report's sections, which the server builds with every text escaped (and the
// page's Content-Security-Policy allows no inline script).
"use strict";

const $ = (id) => document.getElementById(id);
const MAX_UPLOAD = 2 * 1024 * 1024;

const state = {
  view: null,        // the last table view the server sent
  parseSeq: 0,       // requests answered out of order are dropped
  runCount: 0,
  parseTimer: null,
};

// An element with attributes and children; strings become text nodes.
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("data-")) e.setAttribute(k, String(v));
    else if (k in e) e[k] = v;
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// Counts requests in flight, so that a test (or a person) can see when the page is settled.
function pending(delta) {
  const n = Number(document.body.dataset.pending || 0) + delta;
  document.body.dataset.pending = String(n);
}

async function api(method, path, body) {
  pending(1);
  try {
    const res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await res.json(); } catch (_) { data = { error: `HTTP ${res.status}` }; }
    return { ok: res.ok, status: res.status, data };
  } catch (e) {
    return { ok: false, status: 0, data: { error: "the server cannot be reached; is `detente serve` still running?" } };
  } finally {
    pending(-1);
  }
}

function status(text, kind) {
  const s = $("status");
  s.textContent = text || "";
  s.className = "status" + (kind ? " " + kind : "");
}

function fmt(x) {
  if (x === null || x === undefined) return "–";
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

// ---------------------------------------------------------------- loading

async function init() {
  const [sc, models] = await Promise.all([api("GET", "/api/scenarios"), api("GET", "/api/models")]);
  for (const s of (sc.ok ? sc.data.scenarios : [])) {
    $("scenario").append(el("option", { value: s.name }, s.title ? `${s.name} — ${s.title}` : s.name));
  }
  for (const m of (models.ok ? models.data.models : [])) {
    $("model").append(el("option", { value: m.name, title: m.summary }, m.name));
  }
  $("scenario").addEventListener("change", () => openBundled($("scenario").value));
  $("upload").addEventListener("change", upload);
  $("part").addEventListener("change", () => {
    const item = state.parts && state.parts[Number($("part").value)];
    if (item) loadText(item.toml, true);
  });
  $("toml").addEventListener("input", () => {
    clearTimeout(state.parseTimer);
    state.parseTimer = setTimeout(parseNow, 300);
    drawGutter();
  });
  $("toml").addEventListener("scroll", () => { $("gutter").scrollTop = $("toml").scrollTop; });
  $("run-form").addEventListener("submit", (e) => { e.preventDefault(); run(); });
  drawGutter();
}

async function openBundled(name) {
  if (!name) return;
  $("part").hidden = true;
  $("upload").value = "";
  status("");
  const r = await api("GET", `/api/scenarios/${encodeURIComponent(name)}`);
  if (!r.ok) { status(r.data.error, "error"); return; }
  await loadText(r.data.toml, true);
}

async function upload() {
  const file = $("upload").files[0];
  if (!file) return;
  if (file.size > MAX_UPLOAD) {
    status(`${file.name} is larger than 2 MiB; the web application reads smaller files`, "error");
    return;
  }
  const text = await file.text();
  const r = await api("POST", "/api/import", { text, name: file.name });
  $("scenario").value = "";
  if (!r.ok) {
    status(r.data.error, "error");
    showDiagnostics(r.data.diagnostics || [], `in ${file.name}, `);
    return;
  }
  state.parts = r.data.items;
  const part = $("part");
  part.replaceChildren(...r.data.items.map((it, i) => el("option", { value: String(i) }, it.key)));
  part.hidden = r.data.items.length < 2;
  if (r.data.items.length) await loadText(r.data.items[0].toml, true);
  if (r.data.format !== "toml") status(`read ${file.name} as ${r.data.format}`, "");
}

// A new scenario: its text, its table, and a model that suits it.
async function loadText(text, fresh) {
  $("toml").value = text;
  $("toml").scrollTop = 0;
  drawGutter();
  $("results").replaceChildren();
  const parsed = await parseNow();
  if (fresh && parsed && parsed.view) {
    if (parsed.default_model) $("model").value = parsed.default_model;
    $("policy").value = "";
  }
}

async function parseNow() {
  clearTimeout(state.parseTimer);
  const seq = ++state.parseSeq;
  const r = await api("POST", "/api/parse", { toml: $("toml").value });
  if (seq !== state.parseSeq) return null;
  if (!r.ok) { status(r.data.error, "error"); return null; }
  render(r.data);
  return r.data;
}

// ---------------------------------------------------------------- the table

function cellKey(t) {
  return `${t.actor || ""}|${t.issue || ""}|${t.field || ""}`;
}

function rowKey(t) {
  return t.actor ? `a:${t.actor}` : `i:${t.issue || ""}`;
}

function input(target, value, label) {
  const i = el("input", {
    class: "cell",
    value,
    size: Math.max(4, Math.min(28, value.length + 1)),
    "aria-label": label,
    "data-key": cellKey(target),
  });
  i.dataset.actor = target.actor || "";
  i.dataset.issue = target.issue || "";
  i.dataset.field = target.field;
  i.addEventListener("change", () => editCell(i));
  return i;
}

function render(parsed) {
  if (parsed.view) {
    const active = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.key : null;
    state.view = parsed.view;
    drawTables(parsed.view);
    drawPolicies(parsed.view.policies);
    $("title").textContent = parsed.view.title || "";
    if (active) {
      const again = document.querySelector(`input.cell[data-key="${CSS.escape(active)}"]`);
      if (again) again.focus();
    }
  }
  const note = $("table-note");
  note.hidden = !!parsed.view || !state.view;
  note.textContent = parsed.view ? "" :
    "The TOML text has a syntax error (marked beside it); the table follows the text again once it is fixed.";
  for (const i of document.querySelectorAll("input.cell")) i.disabled = !parsed.view;
  showDiagnostics(parsed.diagnostics, "");
}

function drawTables(view) {
  const issues = view.issues.map((i) => i.id);
  const head1 = el("tr", {}, el("th", { rowSpan: 2 }, "Actor"), el("th", { rowSpan: 2 }, "Name"),
    el("th", { rowSpan: 2 }, "Capability"), el("th", { rowSpan: 2 }, "Risk"),
    view.issues.map((i) => el("th", { colSpan: 2, class: "issue", title: i.name || i.id }, i.id)));
  const head2 = el("tr", {}, issues.map(() => [el("th", { class: "sub" }, "position"), el("th", { class: "sub" }, "salience")]));
  const body = view.actors.map((a) => {
    const t = (field, issue) => ({ actor: a.id, issue, field });
    return el("tr", { "data-row": rowKey({ actor: a.id }) },
      el("th", { scope: "row" }, a.id),
      el("td", {}, input(t("name"), a.name, `${a.id} name`)),
      el("td", {}, input(t("capability"), a.capability, `${a.id} capability`)),
      el("td", {}, input(t("risk"), a.risk, `${a.id} risk`)),
      issues.map((id) => [
        el("td", {}, input(t("position", id), a.position[id] || "", `${a.id} position on ${id}`)),
        el("td", {}, input(t("salience", id), a.salience[id] || "", `${a.id} salience on ${id}`)),
      ]));
  });
  $("actors").replaceChildren(el("thead", {}, head1, head2), el("tbody", {}, body));

  const ihead = el("tr", {}, ["Issue", "Name", "Low end", "High end", "Scale", "Status quo"].map((h) => el("th", {}, h)));
  const ibody = view.issues.map((i) => {
    const t = (field) => ({ issue: i.id, field });
    return el("tr", { "data-row": rowKey({ issue: i.id }) },
      el("th", { scope: "row" }, i.id),
      el("td", {}, input(t("name"), i.name, `${i.id} name`)),
      el("td", {}, input(t("low"), i.low, `${i.id} low end`)),
      el("td", {}, input(t("high"), i.high, `${i.id} high end`)),
      el("td", { class: "ro", title: "edit the scale in the TOML text" }, i.scale || "[0, 100]"),
      el("td", {}, input(t("status_quo"), i.status_quo, `${i.id} status quo`)));
  });
  $("issues").replaceChildren(el("thead", {}, ihead), el("tbody", {}, ibody));
}

function drawPolicies(policies) {
  const sel = $("policy");
  const keep = sel.value;
  sel.replaceChildren(el("option", { value: "" }, "none"),
    ...policies.map((p) => el("option", { value: p.id, title: p.description }, p.id)));
  sel.value = policies.some((p) => p.id === keep) ? keep : "";
}

async function editCell(inputEl) {
  const edit = { field: inputEl.dataset.field, value: inputEl.value };
  if (inputEl.dataset.actor) edit.actor = inputEl.dataset.actor;
  if (inputEl.dataset.issue) edit.issue = inputEl.dataset.issue;
  const seq = ++state.parseSeq;
  const r = await api("POST", "/api/edit", { toml: $("toml").value, edits: [edit] });
  if (seq !== state.parseSeq) return;
  if (!r.ok) {
    markCell(inputEl, { severity: "error", message: r.data.error, help: r.data.help });
    return;
  }
  const ta = $("toml");
  const top = ta.scrollTop;
  ta.value = r.data.toml;
  ta.scrollTop = top;
  drawGutter();
  render(r.data);
  // A problem with the value just entered: show its line in the text too.
  const key = inputEl.dataset.key;
  const d = r.data.diagnostics.find((x) => x.target && cellKey(x.target) === key && x.line);
  if (d) revealLine(d.line);
}

// Scrolls the text so that a line is in view, without moving the focus.
function revealLine(line) {
  const ta = $("toml");
  const lh = parseFloat(getComputedStyle(ta).lineHeight) || 18;
  const top = (line - 1) * lh;
  if (top < ta.scrollTop || top > ta.scrollTop + ta.clientHeight - 2 * lh) {
    ta.scrollTop = Math.max(0, top - ta.clientHeight / 3);
    $("gutter").scrollTop = ta.scrollTop;
  }
}

function markCell(inputEl, d) {
  const td = inputEl.parentElement;
  inputEl.classList.add(d.severity === "warning" ? "warn" : "invalid");
  inputEl.setAttribute("aria-invalid", "true");
  inputEl.title = d.message + (d.help ? ` (${d.help})` : "");
  td.append(el("div", { class: "cell-msg" }, d.message));
}

// ---------------------------------------------------------------- diagnostics

function showDiagnostics(diags, where) {
  for (const m of document.querySelectorAll(".cell-msg")) m.remove();
  for (const i of document.querySelectorAll("input.cell")) {
    i.classList.remove("invalid", "warn");
    i.removeAttribute("aria-invalid");
    i.title = "";
  }
  for (const r of document.querySelectorAll("tr.invalid-row")) r.classList.remove("invalid-row");

  const list = $("diagnostics");
  list.replaceChildren();
  const lines = new Map();
  for (const d of diags) {
    const t = d.target;
    let placed = false;
    if (t && t.field) {
      const i = document.querySelector(`input.cell[data-key="${CSS.escape(cellKey(t))}"]`);
      if (i) { markCell(i, d); placed = true; }
    }
    if (t && !placed) {
      const row = document.querySelector(`tr[data-row="${CSS.escape(rowKey(t))}"]`);
      if (row) {
        row.classList.add("invalid-row");
        row.firstElementChild.append(el("div", { class: "cell-msg" }, d.message));
      }
    }
    if (!where && d.line) lines.set(d.line, d);
    const at = d.line ? `${where}line ${d.line}, column ${d.column}: ` : where;
    const item = el("li", { class: d.severity },
      el("span", { class: "where" }, at),
      el("span", { class: "msg" }, d.message),
      d.field ? el("code", { class: "field" }, d.field) : null,
      d.help ? el("div", { class: "help" }, d.help) : null,
      (d.related || []).map((r) => el("div", { class: "related" }, `line ${r.line}: ${r.label}`)));
    if (!where && d.range) {
      item.classList.add("link");
      item.tabIndex = 0;
      const go = () => select(d.range);
      item.addEventListener("click", go);
      item.addEventListener("keydown", (e) => { if (e.key === "Enter") go(); });
    }
    list.append(item);
  }
  state.errorLines = lines;
  drawGutter();
}

// Selects a range of the TOML text (UTF-16 offsets from the server) and scrolls to it.
function select(range) {
  const ta = $("toml");
  ta.focus();
  ta.setSelectionRange(range[0], Math.max(range[1], range[0] + 1));
  revealLine(ta.value.slice(0, range[0]).split("\n").length);
}

function drawGutter() {
  const n = $("toml").value.split("\n").length;
  const marks = state.errorLines || new Map();
  const rows = [];
  for (let i = 1; i <= n; i++) {
    const d = marks.get(i);
    rows.push(d ? el("span", { class: `ln ${d.severity}`, title: d.message }, String(i)) : el("span", { class: "ln" }, String(i)));
  }
  $("gutter").replaceChildren(...rows);
  $("gutter").scrollTop = $("toml").scrollTop;
}

// ---------------------------------------------------------------- running

async function run() {
  const btn = $("run");
  btn.disabled = true;
  status("running…", "busy");
  const body = {
    toml: $("toml").value,
    model: $("model").value || null,
    policy: $("policy").value || null,
    runs: Number($("runs").value || 0),
    seed: Number($("seed").value || 0),
  };
  const r = await api("POST", "/api/run", body);
  btn.disabled = false;
  if (!r.ok) {
    status(r.data.error + (r.data.help ? ` (${r.data.help})` : ""), "error");
    if (r.data.diagnostics) showDiagnostics(r.data.diagnostics, "");
    return;
  }
  status("done", "ok");
  showResults(r.data);
}

function showResults(data) {
  const out = data.output;
  const rows = out.issues.map((i) => el("tr", { "data-issue": i.id, "data-value": String(i.outcome) },
    el("th", { scope: "row", title: i.name || "" }, i.id),
    el("td", { class: "num" }, fmt(i.status_quo)),
    el("td", { class: "num outcome" }, fmt(i.outcome)),
    el("td", { class: "num" }, `${fmt(i.scale[0])}–${fmt(i.scale[1])}`)));
  const summary = el("div", { class: "summary" },
    el("h2", {}, `Result: ${out.model}`, out.policy ? ` with ${out.policy}` : "", ` (seed ${out.seed})`),
    el("table", { id: "outcomes", class: "grid outcomes" },
      el("thead", {}, el("tr", {}, ["Issue", "Status quo", "Outcome", "Scale"].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)));
  // What the model says of its run, then the other notes.
  if (data.findings.length) summary.append(el("ul", { id: "findings", class: "findings" }, data.findings.map((n) => el("li", {}, n))));
  const notes = out.notes.filter((n) => !data.findings.includes(n));
  if (notes.length) summary.append(el("ul", { class: "notes" }, notes.map((n) => el("li", {}, n))));
  if (data.report_error) summary.append(el("p", { class: "note" }, `Charts: ${data.report_error}`));

  // The report's sections as tabs: one picture at a time instead of a long scroll.
  const sections = data.report ? data.report.sections : [];
  const ids = sections.map((s) => s.id);
  // With a policy, its comparison with the baseline first; else the model's own picture.
  const own = data.model_sections || [];
  const first = out.policy ? ["policies", ...own, "trajectories", "forecasts"] : [...own, "trajectories", "forecasts"];
  const tab = ids.includes(state.tab) && state.tabPolicy === out.policy ? state.tab
    : first.find((id) => ids.includes(id)) || ids[0];
  state.tab = tab;
  state.tabPolicy = out.policy;
  const nav = el("nav", { class: "tabs", role: "tablist", "aria-label": "Report sections" });
  const caption = sections.length ? el("p", { class: "caption" },
    "Charts from the report (as `detente report` draws them): the scenario as written",
    out.policy ? `, and the policy ${out.policy} beside that baseline.` : ".") : null;
  const report = el("div", { class: "detente-report report" }, caption, nav);
  for (const s of sections) {
    const body = el("div", { class: "section-body" });
    // Built by detente-report, which escapes every text of the scenario and writes no script.
    body.innerHTML = s.html;
    const panel = el("section", { class: "report-section", role: "tabpanel", id: `section-${s.id}`, "data-section": s.id, hidden: s.id !== tab },
      el("h2", {}, s.title), body);
    const button = el("button", { type: "button", class: "tab", role: "tab", "data-tab": s.id, "aria-controls": panel.id, "aria-selected": String(s.id === tab) }, s.title);
    button.addEventListener("click", () => showTab(s.id));
    nav.append(button);
    report.append(panel);
  }
  state.runCount += 1;
  const res = $("results");
  res.replaceChildren(summary, report);
  res.dataset.run = String(state.runCount);
}

function showTab(id) {
  state.tab = id;
  for (const b of document.querySelectorAll("#results .tab")) b.setAttribute("aria-selected", String(b.dataset.tab === id));
  for (const p of document.querySelectorAll("#results .report-section")) p.hidden = p.dataset.section !== id;
}

document.addEventListener("DOMContentLoaded", init);
