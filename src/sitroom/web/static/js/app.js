// The dashboard: routes between the overview, a message page and labelling; keeps the filter
// bar, the URL and every panel in step; refreshes aggregates as live messages arrive.

import { el, fmtNumber, replaceChildren, shortTime } from "./dom.js";
import { apiUrl, getJson, getToken, setToken } from "./api.js";
import { categoryLabel } from "./cards.js";
import { Feed } from "./feed.js";
import { Timeline } from "./timeline.js";
import { PlaceMap, placeNames } from "./map.js";
import { Overview } from "./overview.js";
import { showMessage } from "./message.js";
import { showLabels } from "./labels.js";
import { DEFAULT_ORDER, clearFilters, filterParams, onFiltersChange, readFilters, setFilters } from "./state.js";

const $ = (id) => document.getElementById(id);
let stats = null;
let dashboard = null;
let refreshTimer = null;

function fillSelect(select, values, label) {
  const keep = select.value;
  replaceChildren(select, select.options[0], ...values.map((v) => el("option", { value: v }, label ? label(v) : v)));
  select.value = keep;
}

async function loadStats() {
  stats = await getJson("/stats");
  $("archive-name").textContent = stats.archive?.name || "";
  $("summary").textContent = `${fmtNumber(stats.messages)} messages · ${fmtNumber(stats.log_size)} log leaves`
    + (stats.last_created_at ? ` · latest ${shortTime(stats.last_created_at)} UTC` : "");
  const mode = $("mode");
  mode.textContent = stats.read_only ? "read-only" : getToken() ? "write access" : "reading";
  mode.className = `mode ${stats.read_only ? "ro" : getToken() ? "rw" : ""}`;
  $("token-button").hidden = Boolean(stats.read_only);
  fillSelect($("f-category"), stats.taxonomy || [], categoryLabel);
  fillSelect($("f-lang"), stats.languages || [], (v) => v.toUpperCase());
  fillSelect($("f-platform"), Object.keys(stats.by_platform || {}));
  syncForm();
}

function toInput(iso) {
  return iso ? iso.slice(0, 16) : "";
}

function syncForm() {
  const f = readFilters();
  $("f-q").value = f.q || "";
  for (const key of ["category", "lang", "platform", "min_priority", "order"]) $(`f-${key}`).value = f[key] || "";
  $("f-help").checked = f.help === "true";
  $("f-first_only").checked = f.first_only === "true";
  $("f-since").value = toInput(f.since);
  $("f-until").value = toInput(f.until);
  const chips = [];
  for (const key of ["place", "author", "cluster"]) {
    if (f[key]) chips.push(el("button", { class: "chip active", type: "button", dir: "auto", title: `remove ${key} filter`,
      onclick: () => setFilters({ [key]: null }) }, `${key}: ${key === "place" ? placeNames.get(f[key]) || f[key] : f[key]} ✕`));
  }
  replaceChildren($("chips"), ...chips);
  const params = filterParams();
  for (const fmt of ["csv", "jsonl", "geojson"]) $(`x-${fmt}`).href = apiUrl("/export", new URLSearchParams([...params, ["format", fmt]]));
}

function bindForm() {
  const form = $("filters");
  form.addEventListener("submit", (event) => { event.preventDefault(); setFilters({ q: $("f-q").value.trim() || null }); });
  $("f-q").addEventListener("search", () => { if (!$("f-q").value) setFilters({ q: null }); });
  for (const key of ["category", "lang", "platform", "min_priority", "order"]) {
    // the default order stays out of the URL, so a shared link without one reads the same
    $(`f-${key}`).addEventListener("change", (event) => setFilters({
      [key]: key === "order" && event.target.value === DEFAULT_ORDER ? null : event.target.value || null,
    }));
  }
  for (const key of ["help", "first_only"]) {
    $(`f-${key}`).addEventListener("change", (event) => setFilters({ [key]: event.target.checked ? "true" : null }));
  }
  for (const key of ["since", "until"]) {
    $(`f-${key}`).addEventListener("change", (event) => setFilters({ [key]: event.target.value ? `${event.target.value}:00Z` : null }));
  }
  $("clear").addEventListener("click", () => clearFilters());
  const dialog = $("token-dialog");
  $("token-button").addEventListener("click", () => { $("token-input").value = ""; dialog.showModal(); });
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "save") setToken($("token-input").value);
    if (dialog.returnValue === "forget") setToken("");
    loadStats();
  });
}

class Dashboard {
  constructor() {
    this.timeline = new Timeline($("timeline"));
    this.feed = new Feed($("feed"), { onLive: () => this.scheduleRefresh() });
    this.map = new PlaceMap($("map-panel"), { onLoaded: () => syncForm() });
    this.overview = new Overview($("overview"));
  }

  load() {
    const report = (err) => console.error(err);
    this.feed.load();
    this.timeline.load().catch(report);
    this.map.load().catch(report);
    this.overview.load().then((data) => this.feed.count(data.totals.matching_capped ? null : data.totals.matching)).catch(report);
  }

  scheduleRefresh() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      this.timeline.load().catch(() => {});
      this.map.load().catch(() => {});
      this.overview.load().catch(() => {});
      loadStats().catch(() => {});
    }, 3000);
  }
}

function route() {
  const path = window.location.pathname;
  const page = $("page");
  const onDashboard = path === "/";
  $("dashboard").hidden = !onDashboard;
  page.hidden = onDashboard;
  $("filters").hidden = path.startsWith("/m/");
  $("nav-dashboard").classList.toggle("current", onDashboard);
  $("nav-labels").classList.toggle("current", path === "/labels");
  if (onDashboard) {
    document.title = "sitroom";
    if (!dashboard) dashboard = new Dashboard();
    dashboard.load();
    return;
  }
  dashboard?.feed.disconnect();
  if (path.startsWith("/m/")) showMessage(page, decodeURIComponent(path.slice(3)));
  else if (path === "/labels") showLabels(page);
}

document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[href]");
  if (!link || link.target || link.hasAttribute("download") || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const url = new URL(link.href, window.location.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/static/")) return;
  event.preventDefault();
  const keep = url.pathname === "/" && link.hasAttribute("data-nav") && !url.search ? sessionStorage.getItem("sitroom.lastQuery") || "" : url.search;
  window.history.pushState(null, "", url.pathname + keep);
  syncForm();
  route();
  window.scrollTo(0, 0);
});

window.addEventListener("popstate", () => { syncForm(); route(); });
onFiltersChange(() => {
  syncForm();
  if (window.location.pathname === "/") sessionStorage.setItem("sitroom.lastQuery", window.location.search);
  if (window.location.pathname === "/" && dashboard) dashboard.load();
  else if (window.location.pathname === "/labels") showLabels($("page"));
  else { window.history.replaceState(null, "", `/${window.location.search}`); route(); }
});

bindForm();
syncForm();
route();
loadStats().catch((err) => replaceChildren($("summary"), el("span", { class: "error" }, err.message)));
