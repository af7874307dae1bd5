// EtcdRemediator status page: reads the JSON API every 5 s and draws what it says.
// Every value from the API is written with textContent: alert labels come from outside.
"use strict";

const tokenKey = "etcd-remediator-token";
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
  const units = ["B", "kB", "MB", "GB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
}

function time(iso) { return iso ? new Date(iso).toLocaleTimeString() : "–"; }

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
  return words;
}

function stateBadges(state) {
  const badges = [];
  if (state.circuitOpen) badges.push(el("span", { class: "badge bad" }, `circuit open: ${state.consecutiveFailures} failed runs; automatic runs stopped`));
  if (state.activeRunId) badges.push(el("span", { class: "badge warn" }, `run ${state.activeRunId} in progress`));
  if (state.cooldownUntil) badges.push(el("span", { class: "badge warn" }, `cooldown until ${time(state.cooldownUntil)}`));
  if (badges.length === 0) badges.push(el("span", { class: "badge ok" }, "ready for alerts"));
  return badges;
}

function membersView(status) {
  const largest = Math.max(1, ...status.members.map(m => m.dbSize || 0));
  const rows = status.members.map(m => {
    const width = m.dbSize ? Math.max(1, 100 * m.dbSize / largest) : 0;
    const used = m.dbSize ? 100 * (m.dbSizeInUse || 0) / m.dbSize : 0;
    const problems = explain(m);
    return el("div", { class: "member", "data-member": m.name || m.endpoint },
      el("span", { class: "name" }, (m.name || m.endpoint) + (m.isLeader ? " ★ leader" : m.isLearner ? " (learner)" : "")),
      el("div", { class: "bar", style: `width:${width}%`, title: m.endpoint },
        el("div", { class: "used", style: `width:${used}%` })),
      el("span", { class: "size" }, m.dbSize === null || m.dbSize === undefined
        ? "–" : `${bytes(m.dbSize)}, ${bytes(m.dbSizeInUse)} in use (${m.utilisationPercent}%)`),
      problems.length ? el("div", { class: "problem" }, problems.join("; ")) : null);
  });
  const clusterProblems = [];
  if (status.error) clusterProblems.push(el("p", { class: "error" }, "The member list cannot be read: " + status.error));
  if (!status.leader && !status.error) clusterProblems.push(el("p", { class: "error" }, "No agreed leader: runs are refused until the election settles."));
  return el("div", {}, clusterProblems, rows);
}

function runsView(runs) {
  if (runs.length === 0) return el("p", { class: "muted" }, "No runs yet.");
  const body = [];
  for (const run of runs) {
    body.push(el("tr", { class: "run", "data-run": run.id, onclick: () => { expanded.has(run.id) ? expanded.delete(run.id) : expanded.add(run.id); refresh(); } },
      el("td", {}, time(run.createdAt)),
      el("td", {}, run.action + (run.dryRun ? " (dry run)" : "") + (run.force ? " (forced)" : "")),
      el("td", { class: "status-" + run.status }, run.status),
      el("td", {}, run.reclaimedBytes ? bytes(run.reclaimedBytes) : "–"),
      el("td", {}, duration(run)),
      el("td", {}, `${run.trigger.kind}: ${run.trigger.source}` + (run.reason ? ` — ${run.reason}` : ""))));
    if (expanded.has(run.id)) {
      const steps = el("table", {}, el("tr", {}, ["step", "member", "outcome", "seconds", "detail"].map(h => el("th", {}, h))),
        run.steps.map(s => el("tr", {}, el("td", {}, s.name), el("td", {}, s.member || ""), el("td", { class: "status-" + s.outcome }, s.outcome),
          el("td", {}, s.durationSeconds ?? "…"), el("td", {}, s.detail || ""))));
      body.push(el("tr", { class: "steps" }, el("td", { colspan: "6" }, steps)));
    }
  }
  return el("table", {}, el("tr", {}, ["when", "action", "outcome", "reclaimed", "took", "trigger"].map(h => el("th", {}, h))), body);
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
  refresh();
}

async function clusterView(cluster) {
  const [status, runs] = await Promise.all([
    api(`/api/v1/clusters/${encodeURIComponent(cluster.name)}/status`),
    api(`/api/v1/remediations?cluster=${encodeURIComponent(cluster.name)}&limit=10`),
  ]);
  return el("section", { class: "cluster", "data-cluster": cluster.name },
    el("div", { class: "cluster-head" },
      el("h2", {}, cluster.name), el("span", { class: "muted" }, cluster.backend), stateBadges(cluster.state),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "dry-run", onclick: () => start(cluster.name, false) }, "Dry run"),
        el("button", { type: "button", class: "danger forced-run", onclick: () => start(cluster.name, true) }, "Forced defrag"))),
    el("h3", {}, "Members"), membersView(status),
    el("h3", {}, "Recent runs"), runsView(runs));
}

async function refresh() {
  const main = document.getElementById("clusters");
  try {
    const clusters = await api("/api/v1/clusters");
    const views = await Promise.all(clusters.map(clusterView));
    main.replaceChildren(...views);
    needToken = false;
    document.getElementById("refreshed").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById("refreshed").textContent = "not updated: " + e.message;
  }
  document.getElementById("token-form").hidden = !needToken;
  document.getElementById("forget-token").hidden = !token();
}

document.getElementById("token-form").addEventListener("submit", event => {
  event.preventDefault();
  sessionStorage.setItem(tokenKey, document.getElementById("token").value.trim());
  document.getElementById("token").value = "";
  refresh();
});
document.getElementById("forget-token").addEventListener("click", () => { sessionStorage.removeItem(tokenKey); refresh(); });

refresh();
setInterval(refresh, 5000);
