// EtcdRemediator status page: reads the JSON API every 5 s and draws what it says.
// Every value from the API is written with textContent: alert labels come from outside.
// Styles are set through the CSSOM (node.style), never as attributes: the page's Content-Security-Policy
// allows no inline style attributes.
"use strict";

const tokenKey = "etcd-remediator-token";
// ?refresh= (milliseconds) is clamped to at least 2 s: a shared link must not make a browser hammer etcd.
const minRefreshMs = 2000;
const refreshMs = Math.max(minRefreshMs, Number(new URLSearchParams(location.search).get("refresh")) || 5000);
document.documentElement.dataset.refreshMs = String(refreshMs); // what the page really uses, for people and tests
const expanded = new Set();
let needToken = false;

function token() { return sessionStorage.getItem(tokenKey); }

async function api(path, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  if (token()) headers.Authorization = "Bearer " + token();
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401 || response.status === 403) {
    needToken = true;
    throw new Error(response.status === 401 ? "an operator token is needed" : "this token may not do that");
  }
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) throw new Error(body?.detail || body?.title || response.statusText);
  return body;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key === "style") Object.assign(node.style, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
}

// A size in human units, the exact byte count on hover.
function size(n) {
  return el("span", { class: "bytes", title: n === null || n === undefined ? "" : `${Number(n).toLocaleString("en")} bytes` }, bytes(n));
}

// Member ids in hex everywhere, as etcdctl prints them, also inside etcd's own messages.
function hexIds(text) {
  return String(text).replace(/(member ?id[:= ]\s*)(\d{8,})/gi, (_, label, id) => label + BigInt(id).toString(16));
}

// Times in UTC, with the zone, as the API, the logs and etcd write them: what an engineer compares across them.
function utc(iso, withDate) {
  const s = new Date(iso).toISOString();
  return (withDate ? s.slice(0, 10) + " " : "") + s.slice(11, 19) + " UTC";
}

function time(iso) { return iso ? utc(iso, false) : "–"; }

// A moment that may be days away: with its date unless it is today (in UTC).
function when(iso) {
  if (!iso) return "–";
  return utc(iso, new Date(iso).toISOString().slice(0, 10) !== new Date().toISOString().slice(0, 10));
}

// A time standing alone: UTC, the reader's own local time on hover only.
function stamp(iso) {
  return el("span", { class: "time", title: iso ? "local time: " + new Date(iso).toLocaleString() : "" }, when(iso));
}

function ago(iso) {
  const s = Math.max(0, Math.round((Date.now() - new Date(iso)) / 1000));
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

function duration(run) {
  if (!run.startedAt) return "–";
  const end = run.finishedAt ? new Date(run.finishedAt) : new Date();
  return ((end - new Date(run.startedAt)) / 1000).toFixed(1) + " s";
}

// Alarms and errors in plain words, for someone woken at 3 a.m.
function explain(member) {
  const words = [];
  if (member.error) words.push("does not answer: " + member.error);
  for (const alarm of member.alarms || []) {
    words.push(alarm === "NOSPACE"
      ? "NOSPACE alarm: the database reached its quota and etcd refuses writes until the alarm is disarmed"
      : alarm === "CORRUPT" ? "CORRUPT alarm: data on this member is inconsistent; restore from a snapshot, do not defragment"
      : alarm + " alarm");
  }
  for (const error of member.errors || []) words.push("etcd reports: " + error);
  return words.map(hexIds);
}

function stateBadges(state) {
  const badges = [];
  if (state.circuitOpen) badges.push(el("span", { class: "badge bad" }, `circuit open: ${state.consecutiveFailures} failed runs; automatic runs stopped`));
  if (state.deferredUntil) badges.push(el("span", { class: "badge warn" }, `run ${state.activeRunId} waits for the maintenance window (${when(state.deferredUntil)})`));
  else if (state.activeRunId) badges.push(el("span", { class: "badge warn" }, `run ${state.activeRunId} in progress`));
  if (state.cooldownUntil) badges.push(el("span", { class: "badge warn" }, `cooldown until ${time(state.cooldownUntil)}`));
  if (badges.length === 0) badges.push(el("span", { class: "badge ok" }, "ready for alerts"));
  return badges;
}

// What runs the cluster without an alert: the window, the schedules, the watch.
function maintenanceView(m) {
  const parts = [];
  if (m.window.configured)
    parts.push(m.window.open
      ? `maintenance window open until ${when(m.window.openUntil)}`
      : `outside the maintenance window (defrags wait); next window opens ${when(m.window.nextOpensAt)}`);
  for (const s of m.schedules)
    parts.push(`${s.action} on '${s.cron}' ${s.timeZone}: next ${when(s.nextRunAt || s.nextDueAt)}`);
  if (m.lastWatchReading) parts.push(`watch read ${ago(m.lastWatchReading.readAt)}`);
  return parts.length ? el("p", { class: "maintenance muted" }, parts.join(" · ")) : [];
}

// The newest off-site copy (Snapshots:Offsite; absent while off), and a bucket that did not answer its last listing.
const dayMs = 24 * 3600 * 1000;
function offsiteView(o) {
  if (!o) return [];
  const stale = !o.newest || Date.now() - new Date(o.newest.at) > dayMs;
  return el("p", { class: "offsite " + (stale ? "error" : "muted"), title: o.newest ? o.newest.object : "" },
    o.newest ? ["newest off-site copy ", size(o.newest.bytes), ` at ${when(o.newest.at)}`] : "no off-site copy yet",
    o.bucketError ? ` · bucket not reachable (${when(o.bucketListedAt)}): ${o.bucketError}` : null);
}

// What matters about a member, worst first: not answering, an alarm, near the quota, fragmented.
function condition(m, status) {
  if (m.error) return { level: "bad", words: "not answering" };
  if ((m.alarms || []).length) return { level: "bad", words: m.alarms.join(", ") + " alarm" };
  if (m.quotaPercent >= 80) return { level: "bad", words: `${m.quotaPercent}% of quota` };
  if (m.matchesDefragRule ?? (status.minFragmentationPercent !== null && m.fragmentationPercent >= status.minFragmentationPercent))
    return { level: "warn", words: `${m.fragmentationPercent}% fragmented` };
  if (m.forecast?.withinHorizon) return { level: "warn", words: "quota at " + when(m.forecast.quotaReachedAt) };
  if ((m.advisories || []).some(a => !a.accepted)) return { level: "warn", words: "etcd advisory" };
  return { level: "ok", words: "healthy" };
}

// When the member's file reaches its quota at the present growth, and what would help.
function forecastNote(m) {
  const f = m.forecast;
  if (!f) return null;
  const remedy = f.cause === "data"
    ? "the data in use grows: a defrag will not help; raise --quota-backend-bytes or find what writes"
    : "the file grows while the data does not: a defrag gives the space back";
  return el("div", { class: f.withinHorizon ? "forecast-note near" : "forecast-note" }, `Reaches its quota ${when(f.quotaReachedAt)} at this growth: ${remedy}.`);
}

// Known defrag defects of the member's etcd release, and what the service does about them.
function advisoryNotes(m) {
  return (m.advisories || []).map(a => el("div", { class: "advisory", "data-advisory": a.id },
    `etcd ${m.version} has a known defrag defect (${a.id}, fixed in ${a.fixedIn}): ${a.summary}. `,
    a.accepted ? "Accepted for this cluster: defrags go ahead." : "Unforced defrags of this member are refused: upgrade etcd, or accept the advisory in the configuration.",
    " ", el("a", { href: a.source, rel: "noreferrer" }, "source")));
}

function membersView(status) {
  // The bar is the quota, the real limit: the file and the part in use are drawn to its scale.
  const quota = status.quotaBytes || Math.max(1, ...status.members.map(m => m.dbSize || 0));
  const rows = status.members.map(m => {
    const c = condition(m, status);
    const problems = explain(m);
    const fileWidth = m.dbSize ? Math.min(100, Math.max(0.5, 100 * m.dbSize / quota)) : 0;
    const usedWidth = m.dbSize ? Math.min(fileWidth, 100 * (m.dbSizeInUse || 0) / quota) : 0;
    const details = m.dbSize === null || m.dbSize === undefined ? ["–"] : [
      "file ", size(m.dbSize), ", in use ", size(m.dbSizeInUse),
      ` · ${m.fragmentationPercent}% fragmented · ${m.quotaPercent ?? "?"}% of quota`];
    return el("div", { class: `member ${c.level}`, "data-member": m.name || m.endpoint, "data-level": c.level },
      el("span", { class: "name" }, (m.name || m.endpoint) + (m.isLeader ? " ★ leader" : m.isLearner ? " (learner)" : "")),
      el("div", { class: "bar", title: `${m.endpoint}: the bar is the ${bytes(quota)} quota` },
        el("div", { class: "file", style: { width: fileWidth + "%" } }),
        el("div", { class: "used", style: { width: usedWidth + "%" } })),
      el("span", { class: "condition" }, c.words),
      el("span", { class: "size" }, details),
      problems.length ? el("div", { class: "problem" }, problems.join("; ")) : null,
      forecastNote(m),
      advisoryNotes(m));
  });
  const clusterProblems = [];
  if (status.error) clusterProblems.push(el("p", { class: "error" }, "The member list cannot be read: " + hexIds(status.error)));
  if (!status.leader && !status.error) clusterProblems.push(el("p", { class: "error" }, "No agreed leader: runs are refused until the election settles."));
  for (const alarm of status.alarms || []) if (alarm.startsWith("unreadable")) clusterProblems.push(el("p", { class: "error" }, "Alarms " + alarm + ": a CORRUPT alarm cannot be ruled out, so runs are refused."));
  const legend = el("p", { class: "legend muted" },
    `Bars: the ${bytes(quota)} quota (${status.quotaReportedByEtcd ? "reported by etcd" : "configured; etcd did not report its own"}); `,
    el("span", { class: "key file" }), " the database file (its orange edge marks where the file ends), ", el("span", { class: "key used" }), " the part in use. ",
    "A row's colour says what matters most: green healthy; orange fragmented, near the quota by the forecast, or an etcd advisory; ",
    "red not answering, an alarm, or at 80% of the quota or more. Times are UTC (hover a run's time for yours). ",
    "Defragmentation gives back the difference; " + (status.minFragmentationPercent !== null
      ? `a member is fragmented from ${status.minFragmentationPercent}% free.` : `a member is defragmented when ${status.defragRule}.`));
  return el("div", {}, clusterProblems, rows, legend);
}

function runsView(runs) {
  if (runs.length === 0) return el("p", { class: "muted" }, "No runs yet.");
  const body = [];
  for (const run of runs) {
    body.push(el("tr", { class: "run", "data-run": run.id, onclick: () => { expanded.has(run.id) ? expanded.delete(run.id) : expanded.add(run.id); refreshNow(); } },
      el("td", {}, stamp(run.createdAt)),
      el("td", {}, run.action + (run.dryRun ? " (dry run)" : "") + (run.force ? " (forced)" : "")),
      el("td", { class: "status-" + run.status }, run.status, run.reason ? el("div", { class: "reason" }, hexIds(run.reason)) : null),
      el("td", {}, run.reclaimedBytes ? size(run.reclaimedBytes) : "–"),
      el("td", {}, duration(run)),
      el("td", { class: "trigger", title: run.trigger.source }, el("div", { class: "clamp" }, `${run.trigger.kind}: ${run.trigger.source}`))));
    if (expanded.has(run.id)) {
      const steps = el("table", { class: "steps-table" }, el("tr", {}, ["step", "member", "outcome", "seconds", "size before → after", "detail"].map(h => el("th", {}, h))),
        run.steps.map(s => el("tr", {}, el("td", {}, s.name), el("td", {}, s.member || ""), el("td", { class: "status-" + s.outcome }, s.outcome),
          el("td", {}, s.durationSeconds ?? "…"),
          el("td", {}, s.bytesBefore === null && s.bytesAfter === null ? "" : [size(s.bytesBefore), " → ", size(s.bytesAfter)]),
          el("td", { class: "detail" }, hexIds(s.detail || "")))));
      body.push(el("tr", { class: "steps" }, el("td", { colspan: "6" }, steps)));
    }
  }
  return el("table", { class: "runs" }, el("tr", {}, ["when", "action", "outcome", "reclaimed", "took", "trigger"].map(h => el("th", {}, h))), body);
}

async function start(cluster, forced) {
  const question = forced
    ? `Defragment ${cluster} now, bypassing cooldown and circuit breaker? The safety gate still applies.`
    : `Dry run on ${cluster}: inspect and plan, touching nothing?`;
  if (!confirm(question)) return;
  try {
    await api(`/api/v1/clusters/${encodeURIComponent(cluster)}/remediations`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(forced ? { action: "defrag", force: true } : { action: "defrag", dryRun: true }),
    });
  } catch (e) {
    alert("Not started: " + e.message);
  }
  refreshNow();
}

// The last day of history, read at most every 30 s per cluster: it changes at the watch's pace.
const histories = new Map();
const historyMaxAgeMs = 30000;
async function historyOf(cluster) {
  const cached = histories.get(cluster);
  if (cached && Date.now() - cached.at < historyMaxAgeMs) return cached.history;
  const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const history = await api(`/api/v1/clusters/${encodeURIComponent(cluster)}/history?since=${encodeURIComponent(since)}`);
  histories.set(cluster, { at: Date.now(), history });
  return history;
}

async function clusterView(cluster) {
  const [status, runs, history] = await Promise.all([
    api(`/api/v1/clusters/${encodeURIComponent(cluster.name)}/status`),
    api(`/api/v1/remediations?cluster=${encodeURIComponent(cluster.name)}&limit=10`),
    historyOf(cluster.name),
  ]);
  return el("section", { class: "cluster", "data-cluster": cluster.name },
    el("div", { class: "cluster-head" },
      el("h2", {}, cluster.name), el("span", { class: "muted" }, cluster.backend), stateBadges(cluster.state),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "dry-run", onclick: () => start(cluster.name, false) }, "Dry run"),
        el("button", { type: "button", class: "danger forced-run", onclick: () => start(cluster.name, true) }, "Forced defrag"))),
    maintenanceView(cluster.maintenance),
    offsiteView(cluster.offsite),
    el("h3", {}, "Members"), membersView(status),
    el("h3", {}, "Database size over time"), sizeChart(history, status, runs),
    el("h3", {}, "Recent runs"), runsView(runs));
}

// One refresh at a time: a click during a refresh asks for another right after it, never a second
// one alongside (two would race to replace the page, and a click could land on a vanished node).
let running = null, again = false, timer = null;

async function refresh() {
  const main = document.getElementById("clusters");
  try {
    const clusters = await api("/api/v1/clusters");
    const views = await Promise.all(clusters.map(clusterView));
    main.replaceChildren(...views);
    needToken = false;
    document.getElementById("refreshed").textContent = "updated " + time(new Date().toISOString());
  } catch (e) {
    document.getElementById("refreshed").textContent = "not updated: " + e.message;
  }
  document.getElementById("token-form").hidden = !needToken;
  document.getElementById("forget-token").hidden = !token();
}

function refreshNow() {
  if (running) { again = true; return running; }
  clearTimeout(timer);
  running = refresh().finally(() => {
    running = null;
    if (again) { again = false; refreshNow(); }
    else timer = setTimeout(refreshNow, refreshMs);
  });
  return running;
}

document.getElementById("token-form").addEventListener("submit", event => {
  event.preventDefault();
  sessionStorage.setItem(tokenKey, document.getElementById("token").value.trim());
  document.getElementById("token").value = "";
  refreshNow();
});
document.getElementById("forget-token").addEventListener("click", () => { sessionStorage.removeItem(tokenKey); refreshNow(); });

refreshNow();
