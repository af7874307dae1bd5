// EtcdRemediator status page: the size chart of one cluster, from /history, drawn as SVG with DOM
// calls only (createElementNS, setAttribute, textContent): the page's CSP allows no inline script or
// style, and member names come from etcd. Colours and dashes are CSS classes (app.css).
"use strict";

const svgNs = "http://www.w3.org/2000/svg";
const chartSize = { width: 900, height: 190, left: 64, right: 12, top: 12, bottom: 22 };

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(svgNs, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A tooltip: SVG's own <title>, its text set as text.
function tip(text) { const t = svg("title"); t.textContent = text; return t; }

// Time runs left to right from the first reading (a day ago at most) to now and a quarter more,
// where forecasts go on dashed.
function chartScales(history, members, quota) {
  const now = new Date(history.until).getTime();
  const first = Math.min(...members.map(m => new Date(m.samples[0].at).getTime()));
  const t0 = Math.min(Math.max(new Date(history.since).getTime(), first), now - 60000);
  const t1 = now + (now - t0) / 4;
  const top = Math.max(quota || 0, ...members.flatMap(m => m.samples.map(s => s.dbSize))) * 1.05 || 1;
  const { width, height, left, right, top: pad, bottom } = chartSize;
  return {
    t0, t1, now, top,
    x: t => left + (width - left - right) * (t - t0) / (t1 - t0),
    y: v => height - bottom - (height - bottom - pad) * v / top,
  };
}

function polyline(points, cls, title) {
  return svg("polyline", { class: cls, points: points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ") }, tip(title));
}

// The dashed extension from the member's last reading toward the quota, cut at the chart's edge.
function forecastLine(scale, last, forecast, quota, cls, name) {
  const from = new Date(last.at).getTime(), to = new Date(forecast.quotaReachedAt).getTime();
  const end = Math.min(to, scale.t1);
  const value = to <= from ? quota : last.dbSize + (quota - last.dbSize) * (end - from) / (to - from);
  return polyline([[scale.x(from), scale.y(last.dbSize)], [scale.x(end), scale.y(value)]], `forecast ${cls}`,
    `${name}: the quota is reached ${when(forecast.quotaReachedAt)} at this growth (${forecast.cause})`);
}

// history: GET /history; status: GET /status (quota, forecasts); runs: the recent runs (marks).
function sizeChart(history, status, runs) {
  const members = history.members.filter(m => m.samples.length > 0);
  if (members.length === 0)
    return el("p", { class: "muted chart-empty" }, "No history yet: the watch (Remediator:Watch:Interval) keeps what it reads, and this chart draws it.");
  const quota = status.quotaBytes || Math.max(...members.flatMap(m => m.samples.map(s => s.quota)));
  const scale = chartScales(history, members, quota);
  const { width, height, left, bottom } = chartSize;
  const chart = svg("svg", { class: "size-chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `database sizes of ${status.cluster}` });
  chart.append(
    svg("line", { class: "axis", x1: left, x2: width, y1: scale.y(0), y2: scale.y(0) }),
    svg("line", { class: "now", x1: scale.x(scale.now), x2: scale.x(scale.now), y1: scale.y(scale.top), y2: scale.y(0) }, tip("now")),
    svg("line", { class: "quota", x1: left, x2: width, y1: scale.y(quota), y2: scale.y(quota) }, tip(`quota: ${bytes(quota)}`)),
    svg("text", { class: "label", x: left - 6, y: scale.y(quota) + 4, "text-anchor": "end" }, bytes(quota)),
    svg("text", { class: "label", x: left - 6, y: scale.y(0) + 4, "text-anchor": "end" }, "0"),
    svg("text", { class: "label", x: left, y: height - 4 }, when(new Date(scale.t0).toISOString())),
    svg("text", { class: "label", x: scale.x(scale.now), y: height - 4, "text-anchor": "middle" }, "now"));
  for (const run of runs) {
    const at = new Date(run.createdAt).getTime();
    if (at < scale.t0 || at > scale.now) continue;
    chart.append(svg("line", { class: "run-mark", x1: scale.x(at), x2: scale.x(at), y1: scale.y(scale.top), y2: scale.y(0) },
      tip(`${when(run.createdAt)}: ${run.action} ${run.status}`)));
  }
  const forecasts = new Map(status.members.map(m => [m.id, m.forecast]));
  members.forEach((m, i) => {
    const cls = `c${i % 6}`;
    const points = key => m.samples.map(s => [scale.x(new Date(s.at).getTime()), scale.y(s[key])]);
    chart.append(
      polyline(points("dbSize"), `file ${cls}`, `${m.name}: database file`),
      polyline(points("dbSizeInUse"), `used ${cls}`, `${m.name}: data in use`));
    const forecast = forecasts.get(m.id);
    if (forecast) chart.append(forecastLine(scale, m.samples[m.samples.length - 1], forecast, quota, cls, m.name));
  });
  const legend = el("p", { class: "legend muted" },
    members.flatMap((m, i) => [el("span", { class: `swatch c${i % 6}` }), ` ${m.name} `]),
    "· solid: the file, dotted: the data in use, dashed: the forecast, red: the quota, grey marks: runs.");
  return el("div", { class: "chart" }, chart, legend);
}
