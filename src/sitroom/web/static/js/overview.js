// Overview: totals, the latest casualty figures with the messages behind each, top places,
// people, organisations and the largest duplicate clusters.

import { el, fmtNumber, replaceChildren, shortTime } from "./dom.js";
import { apiUrl, getJson } from "./api.js";
import { filterParams, setFilters } from "./state.js";

const QUALIFIER = { at_least: "≥ ", about: "~", exact: "" };

function stat(label, valueText, note) {
  return el("div", { class: "stat" }, el("div", { class: "stat-value" }, valueText), el("div", { class: "stat-label" }, label),
    note ? el("div", { class: "stat-note muted" }, note) : null);
}

function countCard(entry) {
  const figure = entry.latest === null || entry.latest === undefined
    ? "–" : `${QUALIFIER[entry.latest_qualifier] ?? ""}${fmtNumber(entry.latest)}`;
  const list = el("ol", { class: "behind", hidden: true },
    ...entry.messages.map((m) => el("li", null,
      el("span", { class: "figure" }, `${QUALIFIER[m.qualifier] ?? ""}${fmtNumber(m.value)}`), " ",
      el("span", { class: "time" }, shortTime(m.created_at)), " ",
      el("a", { href: `/m/${encodeURIComponent(m.id)}`, dir: "auto" }, m.text))));
  const toggle = el("button", {
    class: "link", type: "button", hidden: !entry.messages.length,
    onclick: () => { list.hidden = !list.hidden; toggle.textContent = list.hidden ? "sources ▸" : "hide ▾"; },
  }, "sources ▸");
  return el("div", { class: `count-card k-${entry.kind}`, "data-kind": entry.kind },
    el("div", { class: "count-kind" }, entry.kind),
    el("div", { class: "count-figure" }, figure),
    el("div", { class: "count-note muted" }, entry.reports
      ? `latest of ${fmtNumber(entry.reports)} report${entry.reports > 1 ? "s" : ""} · highest ${fmtNumber(entry.highest)}`
      : "no report"),
    toggle, list);
}

function barList(items, onPick, label) {
  const peak = Math.max(...items.map((i) => i.count), 1);
  if (!items.length) return el("p", { class: "muted small" }, `No ${label}.`);
  return el("ul", { class: "bars" }, ...items.map((item) => {
    const fill = el("span", { class: "bar-fill" });
    fill.style.width = `${Math.round((item.count / peak) * 100)}%`;
    return el("li", null, el("button", { class: "bar-row", type: "button", onclick: () => onPick(item), dir: "auto" },
      fill, el("span", { class: "bar-name" }, item.name), el("span", { class: "bar-count" }, fmtNumber(item.count))));
  }));
}

export class Overview {
  constructor(root) {
    this.root = root;
    this.jsonLink = el("a", { class: "json-link", target: "_blank" }, "JSON");
    this.body = el("div", { class: "overview-body" });
    replaceChildren(root, el("div", { class: "panel-head" }, el("h2", null, "Overview"), el("span", { class: "grow" }), this.jsonLink), this.body);
  }

  async load() {
    const params = filterParams();
    this.jsonLink.href = apiUrl("/overview", params);
    const [data, clusters] = await Promise.all([getJson("/overview", params), getJson("/clusters", filterParams({ limit: 5 }))]);
    const t = data.totals;
    const matching = `${fmtNumber(t.matching)}${t.matching_capped ? "+" : ""}`;
    const help = `${fmtNumber(t.help)}${t.help_capped ? "+" : ""}`;
    replaceChildren(this.body,
      el("div", { class: "stats" },
        stat("matching", matching, `of ${fmtNumber(t.messages)} stored`),
        stat("calls for help", help),
        stat("log leaves", fmtNumber(t.log_size), `${fmtNumber(t.checkpoints)} signed checkpoint${t.checkpoints === 1 ? "" : "s"}`)),
      el("h3", null, "Latest figures"),
      el("div", { class: "counts", id: "counts" }, ...data.counts.map(countCard)),
      el("div", { class: "cols" },
        el("section", null, el("h3", null, "Top places"), barList(data.places, (p) => setFilters({ place: p.key }), "places")),
        el("section", null,
          el("h3", null, "People"), barList(data.people, (p) => setFilters({ q: `"${p.name}"` }), "people"),
          el("h3", null, "Organisations"), barList(data.orgs, (p) => setFilters({ q: `"${p.name}"` }), "organisations"))),
      el("h3", null, "Most repeated"),
      clusters.clusters.length ? el("ul", { class: "clusters" }, ...clusters.clusters.map((c) => el("li", null,
        el("button", { class: "chip cluster", type: "button", onclick: () => setFilters({ cluster: c.id }) }, `${fmtNumber(c.stored)} stored`),
        " ", el("a", { href: `/m/${encodeURIComponent(c.first_id)}`, dir: "auto" }, c.text))))
        : el("p", { class: "muted small" }, "No repeated message."));
    return data;
  }
}

