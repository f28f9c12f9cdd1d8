// Labelling: correct a category or help flag (stored with who and when, beside the model's
// output), the active-learning queue, and retraining from the labels.

import { el, humanize, replaceChildren, shortTime } from "./dom.js";
import { apiUrl, getJson, getLabeller, getToken, postJson, setLabeller } from "./api.js";
import { categoryLabel, messageCard, value } from "./cards.js";
import { filterParams } from "./state.js";

let taxonomy = null;

export async function loadTaxonomy() {
  if (!taxonomy) taxonomy = (await getJson("/stats")).taxonomy || [];
  return taxonomy;
}

function needsToken(node) {
  if (getToken()) return false;
  node.replaceChildren(el("span", { class: "warn" }, "Writing needs the archive's token: use “Write access” at the top."));
  return true;
}

/** A small form that labels one message; calls `done` after a label is stored. */
export function labelForm(message, done, suggested) {
  const output = el("div", { class: "form-out small" });
  const category = el("select", { name: "category", "aria-label": "correct category" },
    el("option", { value: "" }, "category…"));
  loadTaxonomy().then((names) => {
    for (const name of names) category.appendChild(el("option", { value: name }, categoryLabel(name)));
    category.value = suggested || value(message, "category") || "";
  });
  const who = el("input", { name: "labelled_by", placeholder: "your name", value: getLabeller(), size: 10, "aria-label": "labelled by" });
  const send = async (field, labelValue) => {
    if (needsToken(output)) return;
    setLabeller(who.value);
    try {
      await postJson("/labels", { message_id: message.id, field, value: labelValue, labelled_by: who.value });
      output.replaceChildren(el("span", { class: "ok" }, `✓ ${field} labelled ${humanize(String(labelValue))}`));
      await done?.();
    } catch (err) {
      output.replaceChildren(el("span", { class: "error" }, err.message));
    }
  };
  return el("div", { class: "label-form" },
    who, category,
    el("button", { type: "button", class: "small", onclick: () => category.value && send("category", category.value) }, "Set category"),
    el("span", { class: "sep" }),
    el("button", { type: "button", class: "small", onclick: () => send("help", true) }, "Is a call for help"),
    el("button", { type: "button", class: "small", onclick: () => send("help", false) }, "Not a call for help"),
    output);
}

function percent(share) {
  return share === null || share === undefined ? "n/a" : `${(share * 100).toFixed(0)}%`;
}

/** What a retraining did, for people (the JSON twin stays one click away). */
export function retrainSummary(result) {
  const counts = Object.entries(result.label_counts || {});
  const lines = [
    el("p", { class: "ok" }, `✓ Retrained from ${result.labels} labelled messages and ${result.archive_examples} others of the archive.`),
    el("table", { class: "grid" },
      el("thead", null, el("tr", null, el("th", null, "category"), el("th", null, "labels"))),
      el("tbody", null, ...counts.map(([label, count]) => el("tr", null, el("td", null, categoryLabel(label)), el("td", null, String(count)))))),
  ];
  if (result.accuracy_before !== null) {
    const after = result.accuracy_after === null ? ""
      : ` → ${percent(result.accuracy_after)} after (${result.folds}-fold cross-validation)`;
    lines.push(el("p", { id: "retrain-accuracy" }, `Agreement with the labels: ${percent(result.accuracy_before)} before${after}.`));
  }
  lines.push(el("p", null, "Saved as ", el("code", { id: "retrain-model" }, result.model), "; the archive uses it from now on."));
  for (const note of result.notes || []) lines.push(el("p", { class: "muted" }, note));
  const details = el("details", null, el("summary", null, "JSON"), el("pre", null, JSON.stringify(result, null, 2)));
  return [...lines, details];
}

export async function showLabels(root) {
  document.title = "sitroom · labelling";
  const queue = el("div", { class: "queue", id: "queue" }, el("p", { class: "muted" }, "loading…"));
  const recent = el("div", { class: "recent" });
  const retrainOut = el("div", { class: "form-out small retrain-out", id: "retrain-out", hidden: true });
  const retrain = el("button", { class: "primary", type: "button", id: "retrain", onclick: async () => {
    if (needsToken(retrainOut)) { retrainOut.hidden = false; return; }
    retrain.disabled = true;
    retrainOut.hidden = false;
    retrainOut.replaceChildren(el("span", { class: "muted" }, "retraining… (can take a minute on a large archive)"));
    try {
      retrainOut.replaceChildren(...retrainSummary(await postJson("/retrain", {})));
    } catch (err) {
      retrainOut.replaceChildren(el("span", { class: "error" }, err.message));
    } finally {
      retrain.disabled = false;
    }
  } }, "Retrain the model from labels");
  const refresh = async () => {
    const [q, labels] = await Promise.all([getJson("/labels/queue", filterParams({ limit: 15 })), getJson("/labels", { limit: 30 })]);
    replaceChildren(queue, ...(q.queue.length ? q.queue.map((item) => el("div", { class: "queue-item" },
      el("div", { class: "margin muted small" }, `margin ${item.margin.toFixed(3)} between ${item.leading.map(categoryLabel).join(" and ")}`),
      messageCard(item.message),
      labelForm(item.message, refresh, item.leading[0]))) : [el("p", { class: "empty" }, "Nothing to label: every analysed message is labelled or certain.")]));
    replaceChildren(recent, labels.labels.length ? el("table", { class: "grid" },
      el("thead", null, el("tr", null, el("th", null, "when"), el("th", null, "who"), el("th", null, "field"), el("th", null, "value"), el("th", null, "message"))),
      el("tbody", null, ...labels.labels.map((l) => el("tr", null, el("td", { class: "small" }, shortTime(l.labelled_at)),
        el("td", { dir: "auto" }, l.labelled_by), el("td", null, l.field), el("td", null, humanize(l.value)),
        el("td", null, el("a", { href: `/m/${encodeURIComponent(l.message_id)}`, class: "mono" }, l.message_id)))))) : el("p", { class: "muted small" }, "No label yet."));
  };
  replaceChildren(root, el("div", { class: "detail" },
    el("section", { class: "panel col" }, el("div", { class: "panel-head" }, el("h2", null, "Least certain first"), el("span", { class: "grow" }),
      el("a", { class: "json-link", target: "_blank", href: apiUrl("/labels/queue", filterParams()) }, "JSON")),
    el("p", { class: "muted small" }, "Active learning: unlabelled messages whose two most likely categories are closest. Labelling these teaches the model most."), queue),
    el("section", { class: "panel col" }, el("h2", null, "Retrain"), el("p", { class: "muted small" },
      "Retrains the collection's classifier from every category label in the archive (the newest per message), starting again from its base model. New messages use the new model; stored ones keep their annotations until `sitroom analyze` re-runs the analysis."), retrain, retrainOut,
    el("h2", null, "Recent labels"), recent)));
  await refresh();

}
