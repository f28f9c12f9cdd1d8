// One message with its evidence: normalised fields, raw bytes shown escaped, provenance,
// annotations with step@version, labels, log entry, inclusion proof and checkpoint status.

import { el, externalLink, replaceChildren, visibleText, humanize } from "./dom.js";
import { apiUrl, getJson, postJson } from "./api.js";
import { categoryLabel, countText, messageCard } from "./cards.js";
import { labelForm } from "./labels.js";

function table(rows) {
  return el("table", { class: "kv" }, el("tbody", null, ...rows.map(([key, valueNode]) =>
    el("tr", null, el("th", null, key), el("td", { dir: "auto" }, valueNode ?? el("span", { class: "muted" }, "–"))))));
}

function summary(value) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) {
    if (!value.length) return "none";
    return value.map((item) => (item && typeof item === "object" ? item.name || item.text || JSON.stringify(item) : String(item))).join(", ");
  }
  return JSON.stringify(value);
}

function topScores(scores) {
  return Object.entries(scores || {}).sort((a, b) => b[1] - a[1]).slice(0, 3)
    .map(([name, score]) => `${categoryLabel(name)} ${Number(score).toFixed(2)}`).join(" · ");
}

function details(key, entry) {
  const { value, step, scores, ...rest } = entry;
  if (key === "category") return `${topScores(scores)}${typeof rest.informative === "number" ? ` · informative ${rest.informative.toFixed(2)}` : ""}`;
  if (key === "cluster") return `cluster ${entry.id} · first ${entry.first_id || "?"}`;
  if (key === "help") return `${(rest.kinds || []).join(", ") || "no kind"} · priority ${Number(rest.priority || 0).toFixed(2)}`;
  if (key === "places") return (value || []).map((p) => `${p.name}${p.geonameid ? ` #${p.geonameid}` : ""}${typeof p.lat === "number" ? ` (${p.lat.toFixed(3)}, ${p.lon.toFixed(3)})` : ""}`).join("; ");
  if (key === "counts") return (value || []).map(countText).join("; ");
  const shown = Object.keys(rest).length ? JSON.stringify(rest) : "";
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

function annotationRows(annotations) {
  const keys = Object.keys(annotations || {}).sort();
  if (!keys.length) return el("p", { class: "muted" }, "Not analysed yet.");
  return el("table", { class: "grid annotations" },
    el("thead", null, el("tr", null, el("th", null, "annotation"), el("th", null, "value"), el("th", null, "details"), el("th", null, "step"))),
    el("tbody", null, ...keys.map((key) => {
      const entry = annotations[key] || {};
      const shown = key === "cluster" ? `seen ${entry.size} times` : key === "category" ? categoryLabel(entry.value) : summary(entry.value);
      return el("tr", null, el("th", null, key), el("td", { dir: "auto" }, shown), el("td", { class: "small", dir: "auto" }, details(key, entry)),
        el("td", null, el("span", { class: "badge mono" }, entry.step || "?")));
    })));
}

function check(ok, yes, no) {
  return el("span", { class: ok ? "ok" : "bad" }, ok ? `✓ ${yes}` : `✗ ${no}`);
}

function rawBlock(raw) {
  const pre = el("pre", { class: "raw", dir: "ltr", id: "raw-bytes" });
  pre.appendChild(visibleText(raw.text));
  const note = `${raw.length.toLocaleString("en-US")} bytes${raw.utf8 ? ", UTF-8" : ", not valid UTF-8 (shown with replacement characters)"}${raw.truncated ? ", first 256 KiB shown" : ""}`;
  return [el("p", { class: "muted small" }, note), pre];
}

function checkpointBlock(message, checkpoint, reload) {
  if (checkpoint.status !== "covered") {
    const sign = el("button", { class: "primary", type: "button", onclick: async () => {
      sign.disabled = true;
      try { await postJson("/checkpoints", {}); await reload(); } catch (err) { sign.after(el("p", { class: "error" }, err.message)); sign.disabled = false; }
    } }, "Sign a checkpoint now");
    return [el("p", { class: "warn" }, "Not yet covered by a signed checkpoint."), sign];
  }
  const proof = checkpoint.inclusion;
  return [
    el("div", { class: "checks", id: "proof-status" },
      check(checkpoint.signature === "valid", "checkpoint signature valid", `signature ${checkpoint.signature}`),
      check(proof.verified, `inclusion proof verified (leaf ${proof.leaf_index} of ${proof.tree_size})`, "inclusion proof does not verify")),
    table([
      ["tree size", String(checkpoint.size)],
      ["root (base64)", el("span", { class: "mono" }, checkpoint.root)],
      ["signed at", checkpoint.created_at],
      ["RFC 3161 time-stamp", checkpoint.timestamped ? "yes" : "no"],
    ]),
    el("h4", null, "Inclusion proof (audit path, leaf side first)"),
    el("ol", { class: "hashes mono", id: "inclusion-proof" }, ...proof.hashes.map((h) => el("li", null, h))),
    el("h4", null, "Signed checkpoint (C2SP signed note)"),
    el("pre", { class: "note mono" }, checkpoint.note),
    el("a", { class: "button primary", id: "bundle-link", href: apiUrl(`/messages/${encodeURIComponent(message.id)}/bundle`), download: "" }, "Download evidence bundle (.zip)"),
  ];
}

export async function showMessage(root, id) {
  replaceChildren(root, el("p", { class: "muted" }, "loading…"));
  const reload = () => showMessage(root, id);
  let message;
  let evidence;
  try {
    [message, evidence] = await Promise.all([getJson(`/messages/${encodeURIComponent(id)}`), getJson(`/messages/${encodeURIComponent(id)}/evidence`)]);
  } catch (err) {
    replaceChildren(root, el("p", { class: "error" }, err.message), el("a", { href: "/" }, "← back to the dashboard"));
    return;
  }
  document.title = `sitroom · message ${message.id}`;
  const provenance = message.provenance || {};
  const left = el("div", { class: "col" },
    el("section", { class: "panel" }, el("div", { class: "panel-head" }, el("h2", null, "Message"), el("span", { class: "grow" }),
      el("a", { class: "json-link", target: "_blank", href: apiUrl(`/messages/${encodeURIComponent(id)}`) }, "JSON")),
    messageCard(message, { compact: true }),
    table([
      ["id", el("span", { class: "mono" }, message.id)],
      ["platform", message.platform], ["platform id", message.platform_id], ["created at", message.created_at],
      ["author", message.author], ["author id", message.author_id], ["language (declared)", message.lang],
      ["url", message.url ? externalLink(message.url) : null], ["log seq", String(message.log_seq)],
      ["raw sha256", el("span", { class: "mono" }, message.raw_sha256)],
    ])),
    el("section", { class: "panel" }, el("h2", null, "Provenance"), table([
      ["source", provenance.source], ["locator", provenance.locator], ["importer", provenance.importer], ["received at", provenance.received_at],
    ])),
    el("section", { class: "panel" }, el("h2", null, "Annotations"), annotationRows(message.annotations)),
    el("section", { class: "panel", id: "labels-panel" }, el("h2", null, "Labels"),
      message.labels.length ? el("table", { class: "grid" }, el("tbody", null, ...message.labels.map((l) => el("tr", null,
        el("td", null, l.field), el("td", null, humanize(l.value)), el("td", { dir: "auto" }, l.labelled_by), el("td", { class: "mono small" }, l.labelled_at)))))
        : el("p", { class: "muted small" }, "No label yet. Corrections are stored beside the model's output, never over it."),
      labelForm(message, reload)));
  const right = el("div", { class: "col" },
    el("section", { class: "panel" }, el("div", { class: "panel-head" }, el("h2", null, "Raw bytes"), el("span", { class: "grow" }),
      check(evidence.raw_verified, "match raw_sha256", "do not match raw_sha256"), " ",
      el("a", { class: "json-link", href: apiUrl(`/messages/${encodeURIComponent(id)}/raw`) }, "download")),
    ...rawBlock(evidence.raw)),
    el("section", { class: "panel" }, el("h2", null, "Log entry"), el("pre", { class: "mono entry", dir: "ltr" }, evidence.log_entry),
      table([["leaf hash", el("span", { class: "mono" }, evidence.leaf_hash)], ["verifier key", el("span", { class: "mono small" }, evidence.verifier_key)]])),
    el("section", { class: "panel", id: "checkpoint-panel" }, el("div", { class: "panel-head" }, el("h2", null, "Proof and checkpoint"), el("span", { class: "grow" }),
      el("a", { class: "json-link", target: "_blank", href: apiUrl(`/messages/${encodeURIComponent(id)}/evidence`) }, "JSON")),
    ...checkpointBlock(message, evidence.checkpoint, reload)));
  replaceChildren(root, el("p", { class: "crumbs" }, el("a", { href: "/", "data-nav": "" }, "← dashboard")), el("div", { class: "detail" }, left, right));
}
