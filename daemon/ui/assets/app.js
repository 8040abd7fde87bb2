// driftd's dashboard: a single page over the HTTP API (docs/api.md), drawn
// with SVG by this file alone, served from the binary (daemon/ui/). Views
// (location.hash): #/ overview, #/grid/{stream} drift grid,
// #/features/{stream}/{feature}[?window=ID] feature view (a pair's or a
// group's too), #/windows/{id} and #/joint-windows/{id} (open the window's
// feature, pair or group), #/alerts. With http.auth_token set, the token asked once is kept in
// sessionStorage and sent as a bearer token; the live alert stream is read
// with fetch (EventSource cannot send that header), resuming from the last
// event id it saw.
"use strict";

const MEASURES = ["jsd", "jsd_corrected", "psi", "hellinger", "tv", "kl_pq", "kl_qp",
                  "p_value_calibrated"];
const SVG_NS = "http://www.w3.org/2000/svg";
const POLL_MS = 2000;

let token = sessionStorage.getItem("driftd_token") || "";
let timers = [];          // the current view's pollers
let streamReader = null;  // the live alert stream's reader
let viewGeneration = 0;   // bumped at each view change: late answers are dropped

// ---------------------------------------------------------------- helpers

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key === "style") Object.assign(node.style, value);  // CSSOM: allowed by the CSP
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function authHeaders(extra = {}) {
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

class Unauthorized extends Error {}

async function api(path, { text = false } = {}) {
  const response = await fetch(path, { headers: authHeaders() });
  if (response.status === 401) {
    askForToken();
    throw new Unauthorized("a token is required");
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try { message = (await response.json()).error.message; } catch (_) { /* not JSON */ }
    throw new Error(`${path}: ${message}`);
  }
  return text ? response.text() : response.json();
}

function askForToken() {
  const dialog = document.getElementById("token-dialog");
  if (!dialog.open) dialog.showModal();
}

document.getElementById("token-form").addEventListener("submit", () => {
  token = document.getElementById("token-input").value;
  sessionStorage.setItem("driftd_token", token);
  route();
});

function setStatus(text, isError = false) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.className = isError ? "status error" : "status";
}

function every(ms, action) {
  const generation = viewGeneration;
  const tick = async () => {
    if (generation !== viewGeneration) return;
    try {
      await action();
      setStatus(`updated ${new Date().toLocaleTimeString()}`);
    } catch (error) {
      if (!(error instanceof Unauthorized)) setStatus(error.message, true);
    }
  };
  tick();
  timers.push(setInterval(tick, ms));
}

function formatNumber(value, digits = 4) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "number") return String(value);
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

function formatTime(ms) {
  return ms === null || ms === undefined ? "–" : new Date(ms).toLocaleString();
}

// A window's bounds: times, or sequence numbers for count windows.
function formatWindow(start, end, isCount) {
  return isCount ? `events ${start}–${end - 1}` : `${formatTime(start)} – ${formatTime(end)}`;
}

function ago(ms) {
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

function severityBadge(severity) {
  return severity ? el("span", { class: `badge ${severity}` }, severity)
                  : el("span", { class: "badge ok" }, "ok");
}

function featureHref(stream, feature, windowId) {
  const base = `#/features/${encodeURIComponent(stream)}/${encodeURIComponent(feature)}`;
  return windowId ? `${base}?window=${windowId}` : base;
}

// Bin labels are "[a, b)" with edges at full precision (12.364999999999998);
// shortestEdges() writes every edge of a histogram at the fewest
// significant digits that keep adjacent edges distinct.
function parseEdges(label) {
  const match = /^([\[(])\s*([^,]+),\s*([^\])]+)([\])])$/.exec(label);
  if (!match) return null;
  const number = (text) => (text.trim() === "-inf" ? -Infinity
                           : text.trim() === "+inf" || text.trim() === "inf" ? Infinity
                           : Number(text));
  const low = number(match[2]);
  const high = number(match[3]);
  if (Number.isNaN(low) || Number.isNaN(high)) return null;
  return { open: match[1], low, high, close: match[4] };
}

function edgeText(value, digits) {
  if (value === -Infinity) return "-inf";
  if (value === Infinity) return "+inf";
  return String(Number(value.toPrecision(digits)));
}

function shortestEdges(labels) {
  const parsed = labels.map(parseEdges);
  if (parsed.some((edges) => edges === null)) return labels;  // categories: as they are
  const edges = [];
  for (const bin of parsed) edges.push(bin.low, bin.high);
  const finite = [...new Set(edges.filter(Number.isFinite))].sort((a, b) => a - b);
  let digits = 1;
  for (; digits < 17; digits++) {
    const written = finite.map((value) => edgeText(value, digits));
    if (new Set(written).size === finite.length) break;
  }
  return parsed.map((bin) => `${bin.open}${edgeText(bin.low, digits)}, ${edgeText(bin.high, digits)}${bin.close}`);
}

// ---------------------------------------------------------------- overview

async function overview(view) {
  view.append(el("h1", {}, "Overview"));
  const cards = el("div", { class: "cards" });
  view.append(cards);
  let previous = null;  // {at, events per stream}
  every(POLL_MS, async () => {
    const [streams, firing, references, metrics] = await Promise.all([
      api("/v1/streams"), api("/v1/alerts?state=firing&limit=1000"), api("/v1/references"),
      api("/metrics", { text: true })]);
    const now = Date.now();
    const lag = /^driftd_kafka_consumer_lag (\S+)$/m.exec(metrics);
    cards.replaceChildren(...streams.streams.map((stream) => {
      const rate = previous && previous.events[stream.name] !== undefined
        ? ((stream.events - previous.events[stream.name]) * 1000) / (now - previous.at) : null;
      const open = firing.alerts.filter((alert) => alert.stream === stream.name);
      const count = (severity) => open.filter((alert) => alert.severity === severity).length;
      const active = references.references.filter((r) => r.stream === stream.name && r.active);
      return streamCard(stream, rate, count("critical"), count("warn"), active,
                        stream.source === "kafka" && lag ? Number(lag[1]) : null);
    }));
    previous = { at: now, events: Object.fromEntries(streams.streams.map((s) => [s.name, s.events])) };
  });
}

function windowFill(stream) {
  const window = stream.window;
  const last = stream.last_window;
  if (window.type === "count") {
    const since = last ? stream.accepted - last.accepted_then : null;
    if (since === null) return el("dd", {}, `${window.events} events per window; none closed yet`);
    const share = Math.min(1, since / window.events);
    return el("dd", {}, el("div", { class: "bar", title: `${since} of ${window.events} events` },
                           el("span", { style: { width: `${(share * 100).toFixed(1)}%` } })),
              `${since} of ${window.events} events`);
  }
  if (!last) return el("dd", {}, `${window.type}, every ${window.slide_ms / 1000} s; none closed yet`);
  const share = Math.min(1, Math.max(0, (Date.now() - last.committed_at) / window.slide_ms));
  return el("dd", {}, el("div", { class: "bar" },
                         el("span", { style: { width: `${(share * 100).toFixed(1)}%` } })),
            `${window.type}, ${window.size_ms / 1000} s every ${window.slide_ms / 1000} s`);
}

function streamCard(stream, rate, critical, warn, references, lag) {
  const referenceText = references.length === 0 ? "none yet"
    : [...new Set(references.map((r) => `v${r.version}`))].join(", ") +
      `, ${references[0].n} values, ${references[0].origin}, ${formatTime(references[0].created_at)}`;
  return el("div", { class: "card", "data-stream": stream.name },
    el("h2", {}, el("a", { href: `#/grid/${encodeURIComponent(stream.name)}` }, stream.name), " ",
       critical ? el("span", { class: "badge critical" }, `${critical} critical`) : null, " ",
       warn ? el("span", { class: "badge warn" }, `${warn} warn`) : null,
       !critical && !warn ? el("span", { class: "badge ok" }, "no open alert") : null),
    el("dl", { class: "facts" },
      el("dt", {}, "phase"), el("dd", {}, stream.phase.replace("_", " ")),
      el("dt", {}, "source"), el("dd", {}, stream.source),
      el("dt", {}, "events/s"), el("dd", { class: "rate" }, rate === null ? "measuring…" : formatNumber(rate, 3)),
      lag === null ? null : el("dt", {}, "Kafka lag"), lag === null ? null : el("dd", {}, `${lag} messages`),
      el("dt", {}, "open window"), windowFill(stream),
      el("dt", {}, "last window"),
      el("dd", {}, stream.last_window ? `closed ${ago(stream.last_window.committed_at)}` : "none since start"),
      el("dt", {}, "windows"), el("dd", {}, String(stream.windows_closed)),
      el("dt", {}, "malformed"), el("dd", {}, `${stream.malformed} of ${stream.events} events`),
      el("dt", {}, "reference"), el("dd", {}, referenceText),
      el("dt", {}, "features"),
      el("dd", {}, stream.features.map((f, i) => [i ? ", " : "",
        el("a", { href: featureHref(stream.name, f.name) }, f.name),
        f.reference === "active" ? "" : ` (${f.reference})`])),
      stream.pairs.length + stream.groups.length === 0 ? null : el("dt", {}, "pairs, groups"),
      stream.pairs.length + stream.groups.length === 0 ? null :
        el("dd", {}, [...stream.pairs, ...stream.groups].map((subject, i) => [i ? ", " : "",
          el("a", { href: featureHref(stream.name, subject.name) }, subject.name)]))));
}

// ---------------------------------------------------------------- drift grid

function colour(share) {
  // 0: white, 0.5: amber, 1: red.
  const t = Math.max(0, Math.min(1, share));
  const mix = (a, b, u) => Math.round(a + (b - a) * u);
  const [r, g, b] = t < 0.5 ? [mix(255, 232, t * 2), mix(255, 163, t * 2), mix(255, 23, t * 2)]
                            : [mix(232, 214, (t - 0.5) * 2), mix(163, 69, (t - 0.5) * 2), mix(23, 65, (t - 0.5) * 2)];
  return `rgb(${r},${g},${b})`;
}

async function grid(view, streamName) {
  const streams = (await api("/v1/streams")).streams;
  if (streams.length === 0) { view.append(el("p", {}, "No stream.")); return; }
  const stream = streams.find((s) => s.name === streamName) || streams[0];
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const metric = params.get("metric") || "jsd";
  const windows = Number(params.get("windows") || 30);
  const go = (changes) => {
    const next = new URLSearchParams({ metric, windows, ...changes });
    location.hash = `#/grid/${encodeURIComponent(changes.stream || stream.name)}?${next}`;
  };
  view.append(el("h1", {}, `Drift grid: ${stream.name}`),
    el("div", { class: "controls" },
      streams.length > 1 ? el("label", {}, "stream ",
        el("select", { onchange: (e) => go({ stream: e.target.value }) },
          streams.map((s) => el("option", { value: s.name, ...(s.name === stream.name ? { selected: "" } : {}) }, s.name)))) : null,
      el("label", {}, "measure ",
        el("select", { id: "grid-metric", onchange: (e) => go({ metric: e.target.value }) },
          MEASURES.map((m) => el("option", { value: m, ...(m === metric ? { selected: "" } : {}) }, m)))),
      el("label", {}, "windows ",
        el("select", { onchange: (e) => go({ windows: e.target.value }) },
          [10, 30, 100].map((n) => el("option", { value: n, ...(n === windows ? { selected: "" } : {}) }, n))))));
  const holder = el("div", { class: "card" });
  view.append(holder, el("p", { class: "note" },
    "Rows: features, most alerts first. Columns: windows, oldest left. Colour: the measure against the ",
    "critical threshold of the stream's rule on it (or the largest value shown); p-values: darker is smaller. ",
    "Click a cell to open its window."));
  const rule = stream.rules.find((r) => r.metric === metric);
  every(POLL_MS * 2.5, async () => {
    const data = await api(`/v1/streams/${encodeURIComponent(stream.name)}/grid?metric=${metric}&windows=${windows}`);
    holder.replaceChildren(gridSvg(stream, data, rule));
  });
}

function gridSvg(stream, data, rule) {
  const labelWidth = 190;
  const cellWidth = Math.max(8, Math.min(28, Math.floor(900 / Math.max(1, data.windows.length))));
  const cellHeight = 22;
  const width = labelWidth + cellWidth * data.windows.length + 10;
  const height = cellHeight * data.features.length + 24;
  const values = data.features.flatMap((f) => f.cells.filter(Boolean).map((c) => c.value))
    .filter((v) => typeof v === "number");
  const isP = data.metric.startsWith("p_value");
  const scale = rule ? rule.critical : Math.max(1e-12, ...values);
  const share = (cell) => {
    if (cell.infinite) return 1;
    if (typeof cell.value !== "number") return 0;
    return isP ? Math.min(1, -Math.log10(Math.max(cell.value, 1e-300)) / 10) : cell.value / scale;
  };
  const root = svg("svg", { width, height, id: "drift-grid", role: "img" });
  data.features.forEach((feature, row) => {
    const y = row * cellHeight;
    const label = svg("text", { x: 0, y: y + 15, class: "row-label", "data-feature": feature.name,
                                onclick: () => { location.hash = featureHref(stream.name, feature.name); } },
      feature.name, feature.alerts ? ` (${feature.alerts} alert${feature.alerts > 1 ? "s" : ""})` : "");
    root.append(label);
    if (feature.firing) {
      root.append(svg("circle", { cx: labelWidth - 12, cy: y + 11, r: 5,
                                  fill: feature.firing === "critical" ? "#d64541" : "#e8a317",
                                  class: `firing ${feature.firing}` }));
    }
    feature.cells.forEach((cell, column) => {
      const x = labelWidth + column * cellWidth;
      if (!cell) {
        root.append(svg("rect", { x, y, width: cellWidth, height: cellHeight, fill: "#eef1f4" }));
        return;
      }
      const value = cell.infinite ? "+inf" : formatNumber(cell.value);
      root.append(svg("rect", {
        x, y, width: cellWidth, height: cellHeight, class: "cell", fill: colour(share(cell)),
        "data-feature": feature.name, "data-window-id": cell.window_id,
        "data-value": cell.infinite ? "inf" : cell.value,
        onclick: () => { location.hash = featureHref(stream.name, feature.name, cell.window_id); },
      }, svg("title", {}, `${feature.name}: ${data.metric} ${value}, n ${cell.n}`)));
    });
  });
  const isCount = stream.window.type === "count";
  if (data.windows.length) {
    const first = data.windows[0];
    const last = data.windows[data.windows.length - 1];
    root.append(svg("text", { x: labelWidth, y: height - 6 }, isCount ? `event ${first.start}` : formatTime(first.start)));
    root.append(svg("text", { x: width - 10, y: height - 6, "text-anchor": "end" }, isCount ? `event ${last.end}` : formatTime(last.end)));
  } else {
    root.append(svg("text", { x: labelWidth, y: 15 }, "no window yet"));
  }
  return root;
}

// ---------------------------------------------------------------- feature view

async function featureView(view, streamName, featureName) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const streams = (await api("/v1/streams")).streams;
  const stream = streams.find((s) => s.name === streamName);
  if (!stream) { view.append(el("p", { class: "error" }, `No stream named ${streamName}.`)); return; }
  const pair = stream.pairs.find((p) => p.name === featureName);
  const group = stream.groups.find((g) => g.name === featureName);
  if (pair || group) { await jointView(view, stream, featureName, pair, group, params); return; }
  // By default the measure of the first rule watching the feature, so its
  // thresholds are drawn.
  const watching = stream.rules.find((r) => r.subjects.includes(featureName) && MEASURES.includes(r.metric));
  const metric = params.get("metric") || (watching ? watching.metric : "jsd");
  const go = (changes) => {
    const next = new URLSearchParams({ metric, ...Object.fromEntries(params), ...changes });
    location.hash = `${featureHref(streamName, featureName)}?${next}`;
  };
  const rules = stream.rules.filter((r) => r.metric === metric && r.subjects.includes(featureName));
  view.append(el("h1", {}, el("a", { href: `#/grid/${encodeURIComponent(streamName)}` }, streamName), " / ", featureName),
    el("div", { class: "controls" },
      el("label", {}, "measure ",
        el("select", { id: "feature-metric", onchange: (e) => go({ metric: e.target.value }) },
          MEASURES.map((m) => el("option", { value: m, ...(m === metric ? { selected: "" } : {}) }, m))))));
  const chart = el("div", { class: "card" }, "loading…");
  const windowPanel = el("div", { class: "card", id: "window-panel" });
  view.append(chart, windowPanel);

  const base = `/v1/metrics?stream=${encodeURIComponent(streamName)}&feature=${encodeURIComponent(featureName)}`;
  const [series, pValues, ns] = await Promise.all([
    api(`${base}&metric=${metric}`), api(`${base}&metric=p_value_calibrated`), api(`${base}&metric=n`)]);
  const points = series.points.slice(-500);
  const pById = Object.fromEntries(pValues.points.map((p) => [p.window_id, p.value]));
  const nById = Object.fromEntries(ns.points.map((p) => [p.window_id, p.value]));
  const selected = Number(params.get("window")) || (points.length ? points[points.length - 1].window_id : null);
  chart.replaceChildren(el("h2", {}, `${metric} per window`),
    seriesSvg(points, rules, selected, pById, nById, stream.window.type === "count",
              (id) => go({ window: id })));
  if (selected) await showWindow(windowPanel, selected, stream);
  else windowPanel.append(el("p", {}, "No window of this feature yet."));
}

function seriesSvg(points, rules, selected, pById, nById, isCount, onSelect) {
  const width = 900, height = 220, left = 60, right = 10, top = 10, bottom = 28;
  const root = svg("svg", { width, height, id: "series-chart", role: "img" });
  if (!points.length) {
    root.append(svg("text", { x: left, y: 30 }, "no window yet"));
    return root;
  }
  const values = points.map((p) => p.value).filter((v) => typeof v === "number");
  const thresholds = rules.flatMap((r) => [r.warn, r.critical]);
  const max = Math.max(1e-12, ...values, ...thresholds) * 1.08;
  const x = (i) => left + (points.length === 1 ? 0.5 : i / (points.length - 1)) * (width - left - right);
  const y = (v) => top + (1 - v / max) * (height - top - bottom);
  root.append(svg("line", { x1: left, y1: y(0), x2: width - right, y2: y(0), class: "axis", stroke: "#d8dee6" }));
  for (const tick of [0, max / 2, max]) {
    root.append(svg("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end" }, formatNumber(tick, 3)));
  }
  for (const rule of rules) {
    for (const [level, value] of [["warn", rule.warn], ["critical", rule.critical]]) {
      root.append(svg("line", { x1: left, x2: width - right, y1: y(value), y2: y(value), class: `threshold-${level}` }));
      root.append(svg("text", { x: width - right, y: y(value) - 3, "text-anchor": "end" }, `${level} ${formatNumber(value)}`));
    }
  }
  const path = points.map((p, i) => (typeof p.value === "number" ? `${i && typeof points[i - 1].value === "number" ? "L" : "M"}${x(i)},${y(p.value)}` : ""))
    .join("");
  root.append(svg("path", { d: path, class: "series" }));
  points.forEach((p, i) => {
    if (typeof p.value !== "number") return;
    root.append(svg("circle", {
      cx: x(i), cy: y(p.value), r: p.window_id === selected ? 5 : 3,
      class: p.window_id === selected ? "point selected" : "point", "data-window-id": p.window_id,
      onclick: () => onSelect(p.window_id),
    }, svg("title", {}, `${formatWindow(p.start, p.end, isCount)}: ${formatNumber(p.value)}, ` +
                        `n ${nById[p.window_id] ?? p.n}, p-value ${formatNumber(pById[p.window_id])}`)));
  });
  const first = points[0], last = points[points.length - 1];
  root.append(svg("text", { x: left, y: height - 8 }, isCount ? `event ${first.start}` : formatTime(first.start)));
  root.append(svg("text", { x: width - right, y: height - 8, "text-anchor": "end" }, isCount ? `event ${last.end}` : formatTime(last.end)));
  return root;
}

async function showWindow(panel, id, stream) {
  const window = await api(`/v1/windows/${id}`);
  const isCount = stream.window.type === "count";
  const measures = window.measures;
  const other = window.bins.filter((bin) => bin.label === "__other__");
  const bins = window.bins.filter((bin) => bin.label !== "__other__");
  const labels = shortestEdges(bins.map((bin) => bin.label));
  const gaussian = window.gaussian_kl;
  panel.replaceChildren(
    el("h2", {}, `Window ${id}: ${formatWindow(window.start, window.end, isCount)}`),
    el("p", { class: "sentence", id: "direction" }, window.direction || "No values in this window: nothing was compared."),
    el("div", { class: "split" },
      el("div", {}, histogramSvg(bins, labels)),
      el("div", {},
        el("table", { class: "measures" },
          el("tr", {}, el("th", {}, "n (window / reference)"),
             el("td", { class: "num" }, `${window.n} / ${window.bins.reduce((s, b) => s + b.reference_count, 0)}`)),
          ["jsd", "jsd_corrected", "psi", "kl_pq", "kl_qp", "hellinger", "tv", "p_value_calibrated"].map((key) =>
            el("tr", {}, el("th", {}, key),
               el("td", { class: "num" }, window.infinite.includes(key) ? "+inf" : formatNumber(measures[key]))))),
        gaussian && gaussian.total !== null ? el("table", { class: "gaussian" },
          el("tr", {}, el("th", { colspan: 2 }, "Gaussian KL (closed form)")),
          ["total", "location", "shape", "scale"].map((part) =>
            el("tr", {}, el("th", {}, part), el("td", { class: "num" }, formatNumber(gaussian[part]))))) : null,
        other.length ? el("div", { class: "card", id: "unseen" },
          el("h2", {}, "Unseen categories"),
          el("p", {}, `${other[0].count} value(s) of this window are in __other__: categories the ` +
                      `reference's dictionary does not hold (new ones, or too rare in the reference, ` +
                      `which had ${other[0].reference_count} there).`)) : null,
        el("p", { class: "note" }, `Reference version ${window.reference.version}; shares smoothed with alpha ${window.smoothing_alpha}.`))));
}

function histogramSvg(bins, labels) {
  const barWidth = Math.max(10, Math.min(40, Math.floor(640 / Math.max(1, bins.length))));
  const left = 50, top = 10, plot = 200, contributionPlot = 70, labelSpace = 110;
  const width = left + barWidth * bins.length + 20;
  const height = top + plot + 20 + contributionPlot + labelSpace;
  const shares = bins.flatMap((bin) => [bin.p ?? 0, bin.q ?? 0]);
  const max = Math.max(1e-12, ...shares) * 1.05;
  const contributions = bins.map((bin) => bin.contribution).filter((c) => typeof c === "number");
  const maxContribution = Math.max(1e-12, ...contributions.map(Math.abs));
  const root = svg("svg", { width, height, id: "histogram", role: "img" });
  const y = (share) => top + plot * (1 - share / max);
  root.append(svg("text", { x: left, y: top + 8 }, "share: ",
    svg("tspan", { class: "ref" }, "■ reference "), svg("tspan", { class: "cur" }, "■ window")));
  const zero = top + plot + 20 + contributionPlot / 2;
  root.append(svg("text", { x: left - 6, y: zero + 4, "text-anchor": "end" }, "KL"));
  root.append(svg("line", { x1: left, x2: width - 20, y1: zero, y2: zero, stroke: "#d8dee6" }));
  bins.forEach((bin, i) => {
    const x = left + i * barWidth;
    const half = (barWidth - 2) / 2;
    const q = bin.q ?? 0, p = bin.p ?? 0;
    root.append(svg("rect", { x, y: y(q), width: half, height: top + plot - y(q), class: "ref bar-ref",
                              "data-bin": bin.bin, "data-reference-count": bin.reference_count },
      svg("title", {}, `${labels[i]}: reference ${bin.reference_count} (${formatNumber(q)})`)));
    root.append(svg("rect", { x: x + half, y: y(p), width: half, height: top + plot - y(p), class: "cur bar-cur",
                              "data-bin": bin.bin, "data-count": bin.count },
      svg("title", {}, `${labels[i]}: window ${bin.count} (${formatNumber(p)})`)));
    if (typeof bin.contribution === "number") {
      const h = (Math.abs(bin.contribution) / maxContribution) * (contributionPlot / 2);
      root.append(svg("rect", {
        x: x + 1, width: barWidth - 4, y: bin.contribution >= 0 ? zero - h : zero, height: h,
        class: bin.contribution >= 0 ? "contribution-pos" : "contribution-neg", "data-bin": bin.bin,
      }, svg("title", {}, `${labels[i]}: contribution to kl_pq ${formatNumber(bin.contribution)}`)));
    }
    const lx = x + barWidth / 2, ly = top + plot + 20 + contributionPlot + 6;
    root.append(svg("text", { x: lx, y: ly, transform: `rotate(60 ${lx} ${ly})`, class: "bin-label",
                              "data-bin": bin.bin }, labels[i]));
  });
  return root;
}

// ---------------------------------------------------------------- pairs and groups

// The series metric a rule's metric is drawn on, for a pair or a group.
const JOINT_RULE_SERIES = { kl_conditional: "kl_conditional_y_given_x", kl_marginal: "kl_marginal_x",
                            gaussian_kl: "gaussian_kl", gaussian_location: "gaussian_location",
                            gaussian_shape: "gaussian_shape", gaussian_scale: "gaussian_scale" };
const PAIR_SERIES = ["kl_conditional_y_given_x", "kl_marginal_x", "kl_joint", "jsd",
                     "kl_conditional_x_given_y", "kl_marginal_y", "p_value_conditional"];
const GROUP_SERIES = ["gaussian_kl", "gaussian_location", "gaussian_shape", "gaussian_scale",
                      "t2_p_value", "box_m_p_value"];

async function jointView(view, stream, name, pair, group, params) {
  const choices = pair ? PAIR_SERIES : GROUP_SERIES;
  const metric = params.get("metric") || choices[0];
  const go = (changes) => {
    const next = new URLSearchParams({ ...Object.fromEntries(params), metric, ...changes });
    location.hash = `${featureHref(stream.name, name)}?${next}`;
  };
  const rules = stream.rules.filter((r) => JOINT_RULE_SERIES[r.metric] === metric && r.subjects.includes(name));
  view.append(el("h1", {}, el("a", { href: `#/grid/${encodeURIComponent(stream.name)}` }, stream.name), " / ", name,
                 el("span", { class: "note" }, pair ? `  pair: ${pair.y} given ${pair.x}` : `  group: ${group.features.join(", ")}`)),
    el("div", { class: "controls" }, el("label", {}, "measure ",
      el("select", { id: "joint-metric", onchange: (e) => go({ metric: e.target.value }) },
        choices.map((m) => el("option", { value: m, ...(m === metric ? { selected: "" } : {}) }, m))))));
  const chart = el("div", { class: "card" }, "loading…");
  const panel = el("div", { class: "card", id: "joint-panel" });
  view.append(chart, panel);
  const base = `/v1/metrics?stream=${encodeURIComponent(stream.name)}&feature=${encodeURIComponent(name)}`;
  const [series, ns] = await Promise.all([api(`${base}&metric=${metric}`), api(`${base}&metric=n`)]);
  const points = series.points.slice(-500);
  const nById = Object.fromEntries(ns.points.map((p) => [p.window_id, p.value]));
  const selected = Number(params.get("window")) || (points.length ? points[points.length - 1].window_id : null);
  chart.replaceChildren(el("h2", {}, `${metric} per window`),
    seriesSvg(points, rules, selected, {}, nById, stream.window.type === "count", (id) => go({ window: id })));
  if (!selected) { panel.append(el("p", {}, "No window yet.")); return; }
  const window = await api(`/v1/joint-windows/${selected}`);
  const detail = window.detail;
  const isCount = stream.window.type === "count";
  const row = (label, value) => el("tr", {}, el("th", {}, label), el("td", { class: "num" }, formatNumber(value)));
  const parts = [el("h2", {}, `Window ${selected}: ${formatWindow(window.start, window.end, isCount)}`),
                 el("p", { class: "sentence", id: "verdict" }, window.verdict || "–")];
  if (pair && detail.given_x) {
    parts.push(el("table", { id: "chain-rule" },
      el("tr", {}, el("th", {}, "chain rule"), el("th", {}, `${pair.x} first`), el("th", {}, `${pair.y} first`)),
      ["marginal", "conditional", "joint", "p_value_marginal", "p_value_conditional"].map((key) =>
        el("tr", { "data-term": key }, el("th", {}, key),
           el("td", { class: "num", "data-value": detail.given_x[key] }, formatNumber(detail.given_x[key])),
           el("td", { class: "num", "data-value": detail.given_y[key] }, formatNumber(detail.given_y[key]))))),
      el("p", { class: "note" }, `marginal: ${pair.x}'s (or ${pair.y}'s) own drift; conditional: how the other `,
         "depends on it moved; they add up to the joint KL (metrics.md, the chain rule)."));
    if (detail.top_x && detail.top_x.length) {
      parts.push(el("h2", {}, `Where ${pair.y} given ${pair.x} moved most`),
        el("table", {}, detail.top_x.map((bin) => row(shortestEdges([bin.label])[0], bin.contribution))));
    }
  }
  if (group && detail.gaussian && detail.gaussian.problem === undefined) {
    parts.push(el("table", { id: "gaussian-parts" },
      ["kl", "location", "shape", "scale"].map((key) => row(`Gaussian ${key}`, detail.gaussian[key])),
      detail.t2 && detail.t2.problem === undefined ? row("Hotelling T² p-value", detail.t2.p_value) : null,
      detail.box_m && detail.box_m.problem === undefined ? row("Box's M p-value", detail.box_m.p_value) : null));
    if (detail.location_by_feature && detail.location_by_feature.problem === undefined) {
      parts.push(el("h2", {}, "Location, by feature"),
        el("table", {}, Object.entries(detail.location_by_feature).map(([feature, value]) => row(feature, value))));
    }
  } else if (group && detail.gaussian) {
    parts.push(el("p", { class: "note" }, detail.gaussian.reason));
  }
  parts.push(el("p", { class: "note" }, `n ${window.n}, incomplete ${window.incomplete}; reference version ${window.reference.version}.`));
  panel.replaceChildren(...parts);
}

async function windowRedirect(view, id) {
  const window = await api(`/v1/windows/${id}`);
  location.replace(featureHref(window.stream, window.feature, id));
}

async function jointWindowRedirect(view, id) {
  const window = await api(`/v1/joint-windows/${id}`);
  location.replace(featureHref(window.stream, window.name, id));
}

// ---------------------------------------------------------------- alerts

async function alerts(view) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const filters = ["stream", "feature", "severity", "state"];
  const query = new URLSearchParams();
  for (const name of filters) if (params.get(name)) query.set(name, params.get(name));
  const inputs = {};
  const apply = () => {
    const next = new URLSearchParams();
    for (const name of filters) if (inputs[name].value) next.set(name, inputs[name].value);
    location.hash = `#/alerts?${next}`;
  };
  inputs.stream = el("input", { placeholder: "stream", value: params.get("stream") || "" });
  inputs.feature = el("input", { placeholder: "feature", value: params.get("feature") || "" });
  inputs.severity = el("select", {}, ["", "warn", "critical"].map((s) =>
    el("option", { value: s, ...(s === (params.get("severity") || "") ? { selected: "" } : {}) }, s || "any severity")));
  inputs.state = el("select", {}, ["", "firing", "resolved"].map((s) =>
    el("option", { value: s, ...(s === (params.get("state") || "") ? { selected: "" } : {}) }, s || "any state")));
  const body = el("tbody", { id: "alert-rows" });
  const live = el("span", { class: "note", id: "live-status" }, "connecting…");
  view.append(el("h1", {}, "Alerts"),
    el("div", { class: "controls" }, inputs.stream, inputs.feature, inputs.severity, inputs.state,
       el("button", { onclick: apply }, "Filter"), live),
    el("table", {}, el("thead", {}, el("tr", {},
      ["id", "stream", "feature", "metric", "value", "threshold", "severity", "state", "opened", "resolved", "window"]
        .map((h) => el("th", {}, h)))), body),
    el("h2", {}, "Webhook subscriptions"), el("div", { id: "subscriptions" }, "loading…"));

  const rows = new Map();  // alert id -> row
  const known = new Map();  // alert id -> the episode as shown
  const render = (alert, isLive) => {
    known.set(alert.id, alert);
    const row = el("tr", { "data-alert-id": alert.id, class: isLive ? "live" : "" },
      el("td", {}, String(alert.id)), el("td", {}, alert.stream),
      el("td", {}, el("a", { href: featureHref(alert.stream, alert.feature) }, alert.feature)),
      el("td", {}, alert.metric), el("td", { class: "num" }, formatNumber(alert.value)),
      el("td", { class: "num" }, formatNumber(alert.threshold)),
      el("td", {}, severityBadge(alert.severity)),
      el("td", {}, el("span", { class: `badge ${alert.state === "firing" ? alert.severity : "resolved"}` }, alert.state)),
      el("td", {}, formatTime(alert.opened_at)), el("td", {}, formatTime(alert.resolved_at)),
      el("td", {}, el("a", { href: `#/alert-window/${encodeURIComponent(alert.stream)}/${encodeURIComponent(alert.feature)}/${alert.window_start}` }, "window")));
    const old = rows.get(alert.id);
    if (old) old.replaceWith(row); else body.prepend(row);
    rows.set(alert.id, row);
  };
  const page = await api(`/v1/alerts?${query}&limit=200`);
  for (const alert of [...page.alerts].reverse()) render(alert, false);

  // Live: each event is an alert transition; the row shows the episode as
  // it is now (the window that opened it stays its link). The filters are
  // the server's, with the same parameters.
  followAlertStream(`/v1/alerts/stream?${query}`, (event) => {
    const before = known.get(event.alert_id);
    render({ id: event.alert_id, stream: event.stream, feature: event.feature, metric: event.metric,
             value: event.value, threshold: event.threshold, severity: event.severity, state: event.state,
             opened_at: before ? before.opened_at : event.at,
             resolved_at: event.state === "resolved" ? event.at : null,
             window_start: before ? before.window_start : event.window.start }, true);
  }, (state) => { live.textContent = state; });

  every(POLL_MS * 2.5, async () => {
    const subscriptions = (await api("/v1/subscriptions")).subscriptions;
    document.getElementById("subscriptions").replaceChildren(subscriptions.length === 0
      ? el("p", { class: "note" }, "No webhook subscription.")
      : el("table", {}, el("tr", {}, ["id", "url", "pending", "delivered", "last error"].map((h) => el("th", {}, h))),
          subscriptions.map((s) => el("tr", {}, el("td", {}, String(s.id)), el("td", {}, s.url),
            el("td", { class: "num" }, String(s.pending)), el("td", { class: "num" }, String(s.delivered)),
            el("td", { class: s.head && s.head.last_error ? "error" : "" }, s.head && s.head.last_error ? s.head.last_error : "–")))));
  });
}

// Reads text/event-stream from `url` with fetch, calling onEvent with each
// event's JSON; reconnects after an error with Last-Event-ID, so nothing is
// missed (the server replays from SQLite) and duplicates are dropped.
function followAlertStream(url, onEvent, onState) {
  const generation = viewGeneration;
  let lastId = null;
  const connect = async () => {
    while (generation === viewGeneration) {
      try {
        const headers = authHeaders(lastId === null ? {} : { "Last-Event-ID": String(lastId) });
        const response = await fetch(url, { headers });
        if (response.status === 401) { askForToken(); return; }
        if (!response.ok) throw new Error(`${response.status}`);
        onState("live");
        streamReader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await streamReader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let id = null, data = "";
            for (const line of block.split("\n")) {
              if (line.startsWith("id:")) id = Number(line.slice(3).trim());
              else if (line.startsWith("data:")) data += line.slice(5).trim();
            }
            if (!data || (id !== null && lastId !== null && id <= lastId)) continue;
            if (id !== null) lastId = id;
            onEvent(JSON.parse(data));
          }
        }
      } catch (error) {
        if (generation !== viewGeneration) return;
        onState(`reconnecting (${error.message})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  connect();
}

async function alertWindow(view, stream, feature, start) {
  const found = await api(`/v1/metrics?stream=${encodeURIComponent(stream)}&feature=${encodeURIComponent(feature)}` +
                          `&metric=n&from=${start}&to=${Number(start) + 1}&limit=1`);
  if (!found.points.length) { view.append(el("p", { class: "error" }, "That window is no longer stored.")); return; }
  location.replace(featureHref(stream, feature, found.points[0].window_id));
}

// ---------------------------------------------------------------- router

async function route() {
  viewGeneration++;
  for (const timer of timers) clearInterval(timer);
  timers = [];
  if (streamReader) { streamReader.cancel().catch(() => {}); streamReader = null; }
  const view = document.getElementById("view");
  view.replaceChildren();
  const [path] = (location.hash.slice(1) || "/").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const name = parts[0] || "overview";
  for (const link of document.querySelectorAll("header nav a")) {
    link.classList.toggle("active", link.dataset.view === (["features", "windows", "joint-windows"].includes(name) ? "grid" : name));
  }
  try {
    if (name === "overview") await overview(view);
    else if (name === "grid") await grid(view, parts[1]);
    else if (name === "features") await featureView(view, parts[1], parts[2]);
    else if (name === "windows") await windowRedirect(view, parts[1]);
    else if (name === "joint-windows") await jointWindowRedirect(view, parts[1]);
    else if (name === "alerts") await alerts(view);
    else if (name === "alert-window") await alertWindow(view, parts[1], parts[2], parts[3]);
    else view.append(el("p", { class: "error" }, `No view named ${name}.`));
  } catch (error) {
    if (!(error instanceof Unauthorized)) view.append(el("p", { class: "error" }, error.message));
  }
}

window.addEventListener("hashchange", route);
route();
