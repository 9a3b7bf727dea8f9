// SPDX-License-Identifier: MIT
// The JSON API of campaign-sync (docs/openapi.yaml) as the page uses it:
// the admin token (kept for this tab only), requests with its errors as
// exceptions, and the sync's Server-Sent Events read with fetch (EventSource
// cannot send the Authorization header).

const TOKEN_KEY = "campaign-sync.adminToken";

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** An error answer of the API ({"error":{"code","message"}}), or a network failure. */
export class ApiError extends Error {
  constructor(status, code, message, body = null) {
    super(message);
    this.name = "ApiError";
    this.status = status; // 0 when the server could not be reached
    this.code = code;
    this.body = body;
  }
}

/** Thrown after a 401: the page has gone back to sign-in already. */
export class SignedOut extends Error {
  constructor() {
    super("signed out");
    this.name = "SignedOut";
  }
}

let onUnauthorized = () => {};

/** What to do when the server refuses the token (set once by the app). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

async function send(method, path, {json, text, contentType, signal, accept} = {}) {
  const headers = {Accept: accept || "application/json"};
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (text !== undefined) {
    headers["Content-Type"] = contentType || "text/plain";
    body = text;
  }
  let res;
  try {
    res = await fetch(path, {method, headers, body, signal, cache: "no-store"});
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError(0, "network",
      "Cannot reach the campaign-sync server. Check that it is running, then try again.");
  }
  if (res.status === 401) {
    onUnauthorized();
    throw new SignedOut();
  }
  return res;
}

async function errorFrom(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON: a proxy's page, say. The status tells enough.
  }
  const e = body && body.error ? body.error : {};
  return new ApiError(res.status, e.code || `http_${res.status}`,
    e.message || `The server answered ${res.status} ${res.statusText}`.trim(), body);
}

/**
 * One API call. Resolves to {status, headers, body} (body parsed from JSON,
 * null when empty); rejects with ApiError for an error status not listed in
 * options.allow, and with SignedOut after a 401.
 */
export async function api(method, path, options = {}) {
  const res = await send(method, path, options);
  if (!res.ok && !(options.allow || []).includes(res.status)) throw await errorFrom(res);
  const raw = await res.text();
  let body = null;
  if (raw) {
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ApiError(res.status, "bad_json", "The server's answer was not valid JSON.");
    }
  }
  return {status: res.status, headers: res.headers, body};
}

/**
 * GET path (a file the API answers, CSV say) and hand it to the browser as
 * a download named filename: a link cannot carry the Authorization header.
 */
export async function download(path, filename) {
  const res = await send("GET", path, {accept: "text/csv"});
  if (!res.ok) throw await errorFrom(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** GET path and return the parsed body. */
export async function getJson(path, options) {
  return (await api("GET", path, options)).body;
}

// ---- Server-Sent Events -------------------------------------------------

/** Parse one SSE frame (the lines between blank lines) into {event, data}. */
export function parseFrame(frame) {
  let event = "message";
  const data = [];
  for (const line of frame.split(/\r\n|\n|\r/)) {
    if (line === "" || line.startsWith(":")) continue; // a comment: keepalive
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length ? {event, data: data.join("\n")} : null;
}

/**
 * Read the text/event-stream at path, calling onEvent({event, data}) for
 * each event until the stream ends, onEvent returns false, or signal aborts.
 * Resolves to true when onEvent stopped it, false when the stream ended.
 */
export async function readEventStream(path, onEvent, signal) {
  const res = await send("GET", path, {signal, accept: "text/event-stream"});
  if (!res.ok) throw await errorFrom(res);
  // Chromium marks a fetch whose body stream was read to its end as
  // cancelled (net::ERR_ABORTED) when the end of the body wins the race
  // with the load's completion. A clone read with text() waits for the
  // load to complete, so the request ends cleanly. It holds a copy of the
  // stream: a few progress events and one report.
  const whole = res.clone();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (e) {
      if (e.name === "AbortError") throw e;
      throw new ApiError(0, "network", "The connection to the server was lost.");
    }
    if (chunk.done) break;
    buffer += chunk.value;
    let end;
    while ((end = /\r\n\r\n|\n\n|\r\r/.exec(buffer)) !== null) {
      const frame = buffer.slice(0, end.index);
      buffer = buffer.slice(end.index + end[0].length);
      const ev = parseFrame(frame);
      if (ev && onEvent(ev) === false) {
        reader.cancel().catch(() => {});
        whole.body.cancel().catch(() => {});
        return true;
      }
    }
  }
  await whole.text().catch(() => "");
  const last = parseFrame(buffer);
  return last !== null && onEvent(last) === false;
}
