// The live feed: a page of matching messages, more on demand, and new ones pushed by
// server-sent events within a second of being stored.

import { el, fmtNumber, replaceChildren } from "./dom.js";
import { apiUrl, getJson } from "./api.js";
import { filterParams, readFilters } from "./state.js";
import { messageCard, value } from "./cards.js";

const PAGE = 40;

export class Feed {
  constructor(root, { onLive }) {
    this.root = root;
    this.onLive = onLive;
    this.list = el("div", { class: "feed-list", id: "feed-list", "aria-live": "polite" });
    this.more = el("button", { class: "more", type: "button", hidden: true, onclick: () => this.loadMore() }, "Load more");
    this.status = el("span", { class: "feed-status muted" });
    this.liveBadge = el("span", { class: "live off", id: "live-state", title: "server-sent events" }, "offline");
    this.jsonLink = el("a", { class: "json-link", target: "_blank" }, "JSON");
    const head = el("div", { class: "panel-head" }, el("h2", null, "Feed"), this.status, el("span", { class: "grow" }), this.liveBadge, this.jsonLink);
    replaceChildren(root, head, this.list, this.more);
    this.cursor = null;
    this.source = null;
    this.generation = 0;
  }

  async load() {
    const generation = ++this.generation;
    const params = filterParams({ limit: PAGE });
    this.jsonLink.href = apiUrl("/messages", params);
    this.status.textContent = "loading…";
    this.connect();
    try {
      const data = await getJson("/messages", params);
      if (generation !== this.generation) return;
      replaceChildren(this.list, ...data.messages.map((m) => messageCard(m)));
      if (!data.messages.length) this.list.appendChild(el("p", { class: "empty" }, "No message matches these filters."));
      this.cursor = data.next_cursor;
      this.more.hidden = !this.cursor;
      this.status.textContent = "";
    } catch (err) {
      if (generation !== this.generation) return;
      replaceChildren(this.list, el("p", { class: "error" }, err.message));
      this.status.textContent = "";
    }
  }

  async loadMore() {
    if (!this.cursor) return;
    this.more.disabled = true;
    try {
      const data = await getJson("/messages", filterParams({ limit: PAGE, cursor: this.cursor }));
      for (const message of data.messages) this.list.appendChild(messageCard(message));
      this.cursor = data.next_cursor;
      this.more.hidden = !this.cursor;
    } finally {
      this.more.disabled = false;
    }
  }

  connect() {
    if (this.source) this.source.close();
    const source = new EventSource(apiUrl("/stream", filterParams()));
    this.source = source;
    source.addEventListener("open", () => this.setLive(true));
    source.addEventListener("error", () => this.setLive(false));
    source.addEventListener("message", (event) => {
      if (source !== this.source) return;
      this.insert(JSON.parse(event.data));
    });
  }

  disconnect() {
    if (this.source) this.source.close();
    this.source = null;
    this.setLive(false);
  }

  setLive(on) {
    this.liveBadge.className = on ? "live on" : "live off";
    this.liveBadge.textContent = on ? "live" : "reconnecting";
  }

  insert(message) {
    if (this.list.querySelector(`[data-id="${CSS.escape(message.id)}"]`)) return;
    this.list.querySelector(".empty")?.remove();
    const card = messageCard(message);
    card.classList.add("fresh");
    const order = readFilters().order;
    let before = this.list.firstElementChild;
    if (order === "priority") {
      const priority = value(message, "help", "priority") || 0;
      before = [...this.list.children].find((node) => Number(node.dataset.priority || 0) < priority) || null;
    }
    this.list.insertBefore(card, before);
    this.onLive?.(message);
  }

  count(total) {
    this.status.textContent = total === null ? "" : `${fmtNumber(total)} matching`;
  }
}
