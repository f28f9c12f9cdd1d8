// Messages per hour by category, stacked; click a bar to filter to that hour.

import { el, svg, fmtNumber, hourLabel, replaceChildren } from "./dom.js";
import { apiUrl, getJson } from "./api.js";
import { filterParams, setFilters } from "./state.js";
import { CATEGORY_ORDER, categoryClass, categoryLabel } from "./cards.js";

const HOUR = 3600 * 1000;
const HEIGHT = 132;
const AXIS = 18;

function sortCategories(names) {
  return [...names].sort((a, b) => {
    const ia = CATEGORY_ORDER.indexOf(a);
    const ib = CATEGORY_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
}

export class Timeline {
  constructor(root) {
    this.root = root;
    this.chart = el("div", { class: "timeline-chart", id: "timeline-chart" });
    this.legend = el("div", { class: "legend" });
    this.note = el("span", { class: "muted" });
    this.jsonLink = el("a", { class: "json-link", target: "_blank" }, "JSON");
    const head = el("div", { class: "panel-head" }, el("h2", null, "Messages per hour"), this.note,
      el("span", { class: "grow" }), this.jsonLink);
    replaceChildren(root, head, this.chart, this.legend);
    this.data = null;
    new ResizeObserver(() => this.draw()).observe(this.chart);
  }

  async load() {
    const params = filterParams();
    params.delete("cursor");
    this.jsonLink.href = apiUrl("/timeline", params);
    this.data = await getJson("/timeline", params);
    this.draw();
  }

  draw() {
    const data = this.data;
    if (!data) return;
    const width = Math.max(this.chart.clientWidth, 300);
    if (!data.hours.length) {
      replaceChildren(this.chart, el("p", { class: "empty" }, "No dated message matches these filters."));
      replaceChildren(this.legend);
      return;
    }
    const start = Date.parse(data.from);
    const end = Date.parse(data.to);
    const slots = Math.round((end - start) / HOUR) + 1;
    const byHour = new Map(data.hours.map((h) => [Date.parse(h.hour), h.counts]));
    const totals = data.hours.map((h) => Object.values(h.counts).reduce((a, b) => a + b, 0));
    const peak = Math.max(...totals, 1);
    const step = width / slots;
    const plot = HEIGHT - AXIS;
    const categories = sortCategories(data.categories);
    const chart = svg("svg", { class: "timeline", width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: "img", "aria-label": "messages per hour by category" });
    chart.appendChild(svg("line", { class: "axis", x1: 0, x2: width, y1: plot + 0.5, y2: plot + 0.5 }));
    for (let i = 0; i < slots; i += 1) {
      const moment = start + i * HOUR;
      const counts = byHour.get(moment);
      const x = i * step;
      if (new Date(moment).getUTCHours() === 0 || i === 0) {
        chart.appendChild(svg("line", { class: "tick", x1: x, x2: x, y1: plot, y2: plot + 4 }));
        chart.appendChild(svg("text", { class: "tick-label", x: x + 2, y: HEIGHT - 4 }, hourLabel(new Date(moment).toISOString())));
      }
      if (!counts) continue;
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const iso = new Date(moment).toISOString().replace(".000Z", "Z");
      const bar = svg("g", { class: "bar", tabindex: "0", "data-hour": iso });
      let y = plot;
      for (const name of categories) {
        const n = counts[name];
        if (!n) continue;
        const h = (n / peak) * (plot - 6);
        y -= h;
        bar.appendChild(svg("rect", { class: `seg ${categoryClass(name)}`, x: x + 0.5, y, width: Math.max(step - 1, 1), height: h }));
      }
      const lines = [`${hourLabel(iso)} UTC — ${fmtNumber(total)} messages`,
        ...categories.filter((c) => counts[c]).map((c) => `${categoryLabel(c)}: ${counts[c]}`)];
      bar.appendChild(svg("title", null, lines.join("\n")));
      const select = () => setFilters({ since: iso, until: new Date(moment + HOUR).toISOString().replace(".000Z", "Z") });
      bar.addEventListener("click", select);
      bar.addEventListener("keydown", (event) => { if (event.key === "Enter") select(); });
      chart.appendChild(bar);
    }
    replaceChildren(this.chart, chart);
    this.note.textContent = `peak ${fmtNumber(peak)}/h${data.truncated ? " · last 14 days shown" : ""} · click a bar to filter`;
    replaceChildren(this.legend, ...categories.map((name) => el("button", {
      class: "legend-item", type: "button", onclick: () => setFilters({ category: name === "unclassified" ? null : name }),
    }, el("span", { class: `swatch ${categoryClass(name)}` }), categoryLabel(name))));
  }
}
