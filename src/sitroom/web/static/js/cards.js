// A message as a card: badges for language, category, help and priority, its places,
// counts and duplicate cluster. Every piece of message data is set as text.

import { BIDI_CONTROLS, el, humanize, shortTime, visibleText } from "./dom.js";
import { getJson } from "./api.js";
import { setFilters } from "./state.js";

export const CATEGORY_ORDER = [
  "requests_or_urgent_needs", "injured_or_dead_people", "missing_or_found_people",
  "displaced_people_and_evacuations", "infrastructure_and_utility_damage", "caution_and_advice",
  "sympathy_and_support", "rescue_volunteering_or_donation_effort", "other_relevant_information",
  "not_humanitarian", "unclassified",
];

const SHORT = {
  requests_or_urgent_needs: "urgent needs",
  injured_or_dead_people: "injured / dead",
  missing_or_found_people: "missing / found",
  displaced_people_and_evacuations: "displaced / evacuation",
  infrastructure_and_utility_damage: "infrastructure",
  caution_and_advice: "caution / advice",
  sympathy_and_support: "sympathy",
  rescue_volunteering_or_donation_effort: "rescue / donations",
  other_relevant_information: "other relevant",
  not_humanitarian: "not humanitarian",
  unclassified: "unclassified",
};

export function categoryLabel(name) {
  return SHORT[name] || humanize(name);
}

/** The CSS colour class of a category (c0..c10; unknown categories share c9). */
export function categoryClass(name) {
  const index = CATEGORY_ORDER.indexOf(name);
  return `c${index >= 0 ? index : 9}`;
}

export function value(message, key, field = "value") {
  const entry = message.annotations?.[key];
  return entry && typeof entry === "object" ? entry[field] : undefined;
}

const QUALIFIER = { at_least: "≥ ", about: "~", exact: "" };

export function countText(count) {
  const qualifier = QUALIFIER[count.qualifier] ?? "";
  return `${humanize(count.kind)} ${qualifier}${Number(count.value).toLocaleString("en-US")}`;
}

export function badges(message) {
  const out = [];
  const lang = value(message, "lang") || message.lang;
  if (lang) out.push(el("span", { class: "badge lang", title: "language" }, String(lang).toUpperCase()));
  const category = value(message, "category");
  if (category) {
    out.push(el("button", {
      class: `badge cat ${categoryClass(category)}`, type: "button", title: `filter: ${humanize(category)}`,
      onclick: () => setFilters({ category }),
    }, categoryLabel(category)));
  }
  if (value(message, "help") === true) {
    const kinds = value(message, "help", "kinds") || [];
    const text = kinds.length ? `HELP · ${kinds.join(", ")}` : "HELP";
    out.push(el("span", { class: "badge help", title: "call for help, distress or farewell" }, text));
  }
  const priority = value(message, "help", "priority");
  if (typeof priority === "number" && priority > 0) {
    const level = priority >= 0.8 ? "p-high" : priority >= 0.5 ? "p-mid" : "p-low";
    out.push(el("span", { class: `prio ${level}`, title: "priority score" },
      el("span", { class: "prio-bar" }, el("span", { class: "prio-fill", "data-w": String(Math.round(priority * 100)) })),
      priority.toFixed(2)));
  }
  return out;
}

function placeChips(message) {
  const places = value(message, "places") || [];
  return places.map((place) => el("button", {
    class: "chip place", type: "button", dir: "auto", title: (place.admin || []).join(" › ") || "place",
    onclick: () => setFilters({ place: place.geonameid ? String(place.geonameid) : place.name }),
  }, `⌖ ${place.name || place.text || "?"}`));
}

function countChips(message) {
  return (value(message, "counts") || []).map((count) => el("span", { class: "chip count" }, countText(count)));
}

function clusterToggle(message, card) {
  const cluster = message.annotations?.cluster;
  if (!cluster || !cluster.id || !(cluster.size > 1)) return null;
  const members = el("div", { class: "cluster-members", hidden: true });
  const button = el("button", {
    class: "chip cluster", type: "button", "aria-expanded": "false",
    onclick: async () => {
      const open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", String(!open));
      members.hidden = open;
      if (!open && !members.childElementCount) {
        members.appendChild(el("div", { class: "muted" }, "loading…"));
        const data = await getJson(`/clusters/${encodeURIComponent(cluster.id)}`, { limit: 20 });
        members.replaceChildren(...data.messages.map((m) => el("div", { class: "member" },
          el("span", { class: "time" }, shortTime(m.created_at)), " ",
          el("span", { class: "author", dir: "auto" }, m.author || "?"), " ",
          el("a", { href: `/m/${encodeURIComponent(m.id)}`, dir: "auto", class: "member-text" }, m.text))));
        members.appendChild(el("button", {
          class: "link", type: "button", onclick: () => setFilters({ cluster: cluster.id }),
        }, "filter to this cluster"));
      }
    },
  }, `seen ${Number(cluster.size).toLocaleString("en-US")} times ▾`);
  card.appendChild(members);
  return button;
}

/** A feed card; `compact` leaves out the footer links. */
export function messageCard(message, { compact = false } = {}) {
  const help = value(message, "help") === true;
  const card = el("article", {
    class: `msg${help ? " is-help" : ""}`, "data-id": message.id, "data-seq": String(message.log_seq),
    "data-priority": String(value(message, "help", "priority") || 0),
  });
  const head = el("header", { class: "msg-head" },
    el("time", { class: "time", datetime: message.created_at || "", title: message.created_at || "" }, shortTime(message.created_at)),
    el("button", { class: "author", type: "button", dir: "auto", title: "filter by author",
      onclick: () => setFilters({ author: message.author }) }, message.author || "unknown"),
    el("span", { class: "badge platform" }, message.platform),
    ...badges(message));
  const text = el("p", { class: "msg-text", dir: "auto" }, visibleText(message.text || "", BIDI_CONTROLS));
  card.append(head, text);
  const foot = el("footer", { class: "msg-foot" }, ...placeChips(message), ...countChips(message));
  const toggle = clusterToggle(message, card);
  if (toggle) foot.appendChild(toggle);
  if (!compact) {
    foot.appendChild(el("a", { class: "details", href: `/m/${encodeURIComponent(message.id)}` }, "evidence & details →"));
  }
  card.insertBefore(foot, card.querySelector(".cluster-members"));
  for (const fill of card.querySelectorAll(".prio-fill")) fill.style.width = `${fill.dataset.w}%`;
  return card;
}
