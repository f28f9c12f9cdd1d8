// DOM helpers. Message data is hostile: it only ever becomes text (textContent or SVG text
// nodes), never markup. Nothing here uses innerHTML, and links are only made for http(s).

const SVG_NS = "http://www.w3.org/2000/svg";

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.setAttribute("class", value);
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  return node;
}

/** An HTML element; string children become text nodes. */
export function el(tag, attrs, ...children) {
  return append(setAttrs(document.createElement(tag), attrs), children);
}

/** An SVG element; string children become text nodes. */
export function svg(tag, attrs, ...children) {
  return append(setAttrs(document.createElementNS(SVG_NS, tag), attrs), children);
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function replaceChildren(node, ...children) {
  clear(node);
  return append(node, children);
}

/** The URL if it is an absolute http(s) URL, else null (no javascript:, data:, ...). */
export function safeHref(url) {
  if (typeof url !== "string") return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch (_err) {
    return null;
  }
}

/** An external link when the URL is http(s), else the URL as plain text. */
export function externalLink(url, label) {
  const href = safeHref(url);
  if (!href) return el("span", { class: "mono" }, url || "");
  return el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank" }, label || url);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n) => String(n).padStart(2, "0");

/** "12 Dec 10:20" in UTC. */
export function shortTime(iso) {
  if (!iso) return "no time";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function hourLabel(iso) {
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCHours())}:00`;
}

export function fmtNumber(n) {
  return typeof n === "number" ? n.toLocaleString("en-US") : "–";
}

export const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** Text with invisible, control and bidi characters (or those `pattern` names) shown as
 * visible escapes, so a right-to-left override cannot disguise what a message says. */
export function visibleText(text, pattern = INVISIBLE) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) frag.appendChild(document.createTextNode(text.slice(last, match.index)));
    const code = match[0].codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
    frag.appendChild(el("span", { class: "esc", title: "invisible or control character" }, `U+${code}`));
    last = match.index + match[0].length;
  }
  if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
  return frag;
}

export function humanize(name) {
  return String(name || "").replace(/_/g, " ");
}
