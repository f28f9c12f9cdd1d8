// The filters live in the URL, so a view can be shared; the API takes the same names.

export const FILTER_KEYS = [
  "q", "category", "help", "lang", "place", "platform", "author", "since", "until",
  "min_priority", "cluster", "first_only", "order",
];

// The order shown when the URL names none. It is always sent, because the API's own default
// (relevance) would put search results in best-match order while the form says newest first.
export const DEFAULT_ORDER = "newest";

const listeners = new Set();

export function readFilters() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value !== null && value !== "") filters[key] = value;
  }
  if (!filters.order) filters.order = DEFAULT_ORDER;
  return filters;
}

export function filterParams(extra) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(readFilters())) params.set(key, value);
  for (const [key, value] of Object.entries(extra || {})) {
    if (value !== null && value !== undefined && value !== "") params.set(key, value);
  }
  return params;
}

/** Change some filters (null removes one), update the URL and tell every view. */
export function setFilters(changes, { replace = false } = {}) {
  const params = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === "" || value === false) params.delete(key);
    else params.set(key, String(value));
  }
  const query = params.toString();
  const url = `${window.location.pathname}${query ? `?${query}` : ""}`;
  if (url === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  notify();
}

export function clearFilters() {
  window.history.pushState(null, "", window.location.pathname);
  notify();
}

export function onFiltersChange(listener) {
  listeners.add(listener);
}

export function notify() {
  for (const listener of listeners) listener(readFilters());
}

