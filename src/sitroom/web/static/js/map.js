// Places on an offline basemap (country and admin-1 boundaries shipped with the package),
// circles sized by count; click a place to filter. Names are SVG text nodes, never markup.

import { el, svg, fmtNumber, replaceChildren } from "./dom.js";
import { apiUrl, getJson } from "./api.js";
import { filterParams, readFilters, setFilters } from "./state.js";

const BASE = "/static/basemap";
const HEIGHT = 330;
const LABELS = 7;
let countries = null;
let adminIndex = null;
const adminCache = new Map();

async function loadJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

function bboxOf(geometry) {
  let box = [180, 90, -180, -90];
  for (const polygon of geometry.coordinates) {
    for (const [lon, lat] of polygon[0]) {
      box = [Math.min(box[0], lon), Math.min(box[1], lat), Math.max(box[2], lon), Math.max(box[3], lat)];
    }
  }
  return box;
}

function intersects(a, b) {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
}

/** Names of the places last shown, by filter key (for the filter chips). */
export const placeNames = new Map();

export class PlaceMap {
  constructor(root, { onLoaded } = {}) {
    this.onLoaded = onLoaded;
    this.root = root;
    this.jsonLink = el("a", { class: "json-link", target: "_blank" }, "JSON");
    this.note = el("span", { class: "muted" });
    this.tip = el("div", { class: "map-tip", hidden: true, dir: "auto" });
    this.frame = el("div", { class: "map-frame", id: "map" }, this.tip);
    const reset = el("button", { class: "small", type: "button", title: "fit to places", onclick: () => this.fit() }, "fit");
    const head = el("div", { class: "panel-head" }, el("h2", null, "Places"), this.note, el("span", { class: "grow" }), reset, this.jsonLink);
    replaceChildren(root, head, this.frame);
    this.places = [];
    this.view = null;
    this.k = 1;
    this.paths = new Map();
    this.bindPanZoom();
  }

  async load() {
    const params = filterParams({ limit: 100 });
    this.jsonLink.href = apiUrl("/places", params);
    const [data] = await Promise.all([getJson("/places", params), this.loadBase()]);
    this.places = data.places.filter((p) => typeof p.lat === "number" && typeof p.lon === "number");
    this.note.textContent = `${this.places.length} mapped`;
    for (const place of data.places) placeNames.set(place.key, place.name);
    this.onLoaded?.();
    this.fit();
  }

  async loadBase() {
    if (!countries) {
      const [world, index] = await Promise.all([loadJson(`${BASE}/countries.json`), loadJson(`${BASE}/admin1/index.json`)]);
      for (const feature of world.features) feature.bbox = bboxOf(feature.geometry);
      countries = world.features;
      adminIndex = index;
    }
  }

  fit() {
    const lons = this.places.map((p) => p.lon);
    const lats = this.places.map((p) => p.lat);
    let box = lons.length ? [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)] : [-170, -58, 180, 78];
    const padLon = Math.max((box[2] - box[0]) * 0.15, 0.9 - (box[2] - box[0]) / 2);
    const padLat = Math.max((box[3] - box[1]) * 0.15, 0.6 - (box[3] - box[1]) / 2);
    box = [box[0] - padLon, box[1] - padLat, box[2] + padLon, box[3] + padLat];
    this.k = Math.cos((((box[1] + box[3]) / 2) * Math.PI) / 180);
    this.paths.clear();
    const width = Math.max(this.frame.clientWidth, 200);
    let [x0, x1, y0, y1] = [box[0] * this.k, box[2] * this.k, -box[3], -box[1]];
    const want = width / HEIGHT;
    if ((x1 - x0) / (y1 - y0) < want) {
      const extra = ((y1 - y0) * want - (x1 - x0)) / 2;
      x0 -= extra; x1 += extra;
    } else {
      const extra = ((x1 - x0) / want - (y1 - y0)) / 2;
      y0 -= extra; y1 += extra;
    }
    this.view = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
    this.draw();
  }

  geoBox() {
    const v = this.view;
    return [v.x / this.k, -(v.y + v.h), (v.x + v.w) / this.k, -v.y];
  }

  pathFor(key, geometry) {
    let d = this.paths.get(key);
    if (d === undefined) {
      const parts = [];
      for (const polygon of geometry.coordinates) {
        for (const ring of polygon) {
          parts.push(`M${ring.map(([lon, lat]) => `${(lon * this.k).toFixed(3)},${(-lat).toFixed(3)}`).join("L")}Z`);
        }
      }
      d = parts.join("");
      this.paths.set(key, d);
    }
    return d;
  }

  async admin(box) {
    if (!adminIndex || box[2] - box[0] > 40) return [];
    const codes = Object.entries(adminIndex).filter(([, b]) => intersects(b, box)).map(([code]) => code);
    const loaded = await Promise.all(codes.slice(0, 12).map(async (code) => {
      if (!adminCache.has(code)) adminCache.set(code, loadJson(`${BASE}/admin1/${code}.json`).catch(() => ({ features: [] })));
      const data = await adminCache.get(code);
      return data.features.map((f, i) => ({ key: `a:${code}:${i}`, feature: f }));
    }));
    return loaded.flat();
  }

  async draw() {
    if (!this.view || !countries) return;
    const token = (this.drawToken = (this.drawToken || 0) + 1);
    const box = this.geoBox();
    const admins = await this.admin(box);
    if (token !== this.drawToken) return;
    const width = Math.max(this.frame.clientWidth, 200);
    const unit = this.view.w / width;
    const v = this.view;
    const root = svg("svg", { class: "map", width, height: HEIGHT, viewBox: `${v.x} ${v.y} ${v.w} ${v.h}`, role: "img", "aria-label": "map of places mentioned" });
    root.appendChild(svg("rect", { class: "sea", x: v.x, y: v.y, width: v.w, height: v.h }));
    const land = svg("g", { class: "land" });
    countries.forEach((feature, i) => {
      if (feature.bbox && !intersects(feature.bbox, box)) return;
      land.appendChild(svg("path", { d: this.pathFor(`c:${i}`, feature.geometry) }, svg("title", null, feature.properties.name || "")));
    });
    const adminLayer = svg("g", { class: "admin" });
    for (const { key, feature } of admins) adminLayer.appendChild(svg("path", { d: this.pathFor(key, feature.geometry) }));
    root.append(land, adminLayer, this.placeLayer(unit));
    const frame = this.frame;
    frame.querySelector("svg")?.remove();
    frame.insertBefore(root, this.tip);
  }

  placeLayer(unit) {
    const layer = svg("g", { class: "places" });
    const peak = Math.max(...this.places.map((p) => p.count), 1);
    const selected = readFilters().place;
    const ordered = [...this.places].sort((a, b) => b.count - a.count);
    for (const place of [...ordered].reverse()) {
      const r = (4 + 16 * Math.sqrt(place.count / peak)) * unit;
      const isSelected = selected && (selected === place.key || selected === place.name);
      const dot = svg("circle", {
        class: `place-dot${isSelected ? " selected" : ""}`, cx: place.lon * this.k, cy: -place.lat, r,
        tabindex: "0", "data-key": place.key,
      }, svg("title", null, `${place.name} — ${fmtNumber(place.count)} messages`));
      const choose = () => setFilters({ place: isSelected ? null : place.key });
      dot.addEventListener("click", choose);
      dot.addEventListener("keydown", (event) => { if (event.key === "Enter") choose(); });
      dot.addEventListener("pointerenter", (event) => this.showTip(event, place));
      dot.addEventListener("pointerleave", () => { this.tip.hidden = true; });
      layer.appendChild(dot);
    }
    const taken = [];
    for (const place of ordered) {
      if (taken.length >= LABELS) break;
      const r = (4 + 16 * Math.sqrt(place.count / peak)) * unit;
      const x = place.lon * this.k + r + 3 * unit;
      const y = -place.lat + 4 * unit;
      const box = [x, y - 11 * unit, x + String(place.name).length * 6.6 * unit, y + 2 * unit];
      if (taken.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1])) continue;
      taken.push(box);
      layer.appendChild(svg("text", { class: "place-label", x, y, "font-size": 11 * unit }, place.name));
    }
    return layer;
  }

  showTip(event, place) {
    this.tip.replaceChildren(el("strong", null, place.name), el("span", null, ` ${fmtNumber(place.count)} messages · click to filter`));
    const frame = this.frame.getBoundingClientRect();
    this.tip.style.left = `${event.clientX - frame.left + 12}px`;
    this.tip.style.top = `${event.clientY - frame.top + 12}px`;
    this.tip.hidden = false;
  }

  bindPanZoom() {
    let drag = null;
    this.frame.addEventListener("wheel", (event) => {
      if (!this.view) return;
      event.preventDefault();
      const rect = this.frame.getBoundingClientRect();
      const fx = (event.clientX - rect.left) / rect.width;
      const fy = (event.clientY - rect.top) / rect.height;
      const scale = event.deltaY > 0 ? 1.25 : 0.8;
      const v = this.view;
      const w = v.w * scale;
      const h = v.h * scale;
      this.view = { x: v.x + (v.w - w) * fx, y: v.y + (v.h - h) * fy, w, h };
      this.draw();
    }, { passive: false });
    this.frame.addEventListener("pointerdown", (event) => {
      if (event.target.classList?.contains("place-dot")) return;
      drag = { x: event.clientX, y: event.clientY, view: { ...this.view } };
    });
    window.addEventListener("pointerup", () => { if (drag) { drag = null; this.draw(); } });
    this.frame.addEventListener("pointermove", (event) => {
      if (!drag || !this.view) return;
      const unit = this.view.w / this.frame.clientWidth;
      this.view = { ...drag.view, x: drag.view.x - (event.clientX - drag.x) * unit, y: drag.view.y - (event.clientY - drag.y) * unit };
      const shown = this.frame.querySelector("svg");
      if (shown) shown.setAttribute("viewBox", `${this.view.x} ${this.view.y} ${this.view.w} ${this.view.h}`);
    });
  }
}
