// Talking to /api/v1: JSON fetches, the write token (kept for this browser tab only).

const TOKEN_KEY = "sitroom.token";
const LABELLER_KEY = "sitroom.labeller";

export function apiUrl(path, params) {
  const url = new URL(`/api/v1${path}`, window.location.origin);
  if (params) {
    for (const [key, value] of params instanceof URLSearchParams ? params : Object.entries(params)) {
      if (value !== null && value !== undefined && value !== "") url.searchParams.set(key, value);
    }
  }
  return url.pathname + url.search;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function parse(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (_err) {
    body = null;
  }
  if (!response.ok) {
    const message = body?.error?.message || body?.detail || `HTTP ${response.status}`;
    throw new ApiError(response.status, typeof message === "string" ? message : JSON.stringify(message));
  }
  return body;
}

export async function getJson(path, params) {
  return parse(await fetch(apiUrl(path, params), { headers: { Accept: "application/json" } }));
}

export async function postJson(path, body) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(apiUrl(path), { method: "POST", headers, body: JSON.stringify(body ?? {}) });
  return parse(response);
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token.trim());
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function getLabeller() {
  return localStorage.getItem(LABELLER_KEY) || "";
}

export function setLabeller(name) {
  localStorage.setItem(LABELLER_KEY, name.trim());
}
