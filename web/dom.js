// SPDX-License-Identifier: MIT
// DOM building and formatting helpers of the Campaign Manager page.
// Everything is built with createElement and text nodes, never innerHTML:
// whatever the server or NMKR sends is shown as text.

const SVG_NS = "http://www.w3.org/2000/svg";

// Set attributes, properties and event handlers on el from attrs:
// "class", "text", "dataset" ({k: v}), "onX" (a function), booleans
// (true adds an empty attribute, false or null leaves it out), else a string.
function applyAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") {
      el.textContent = String(value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
}

function appendChildren(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h("p", {class: "note"}, "text", otherElement). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  appendChildren(el, children);
  return el;
}

/** An SVG element, as h() builds HTML ones. */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs);
  appendChildren(el, children);
  return el;
}

/** Replace everything inside el with children. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  appendChildren(el, children);
  return el;
}

/** Mark a region busy (aria-busy) while promise runs; returns its result. */
export async function whileBusy(el, promise) {
  el.setAttribute("aria-busy", "true");
  try {
    return await promise;
  } finally {
    el.removeAttribute("aria-busy");
  }
}

/**
 * A table in a horizontally scrolling, keyboard-focusable region. A header
 * written "#Name" heads a column of numbers (aligned right).
 */
export function scrollTable(captionText, headers, rows, attrs = {}) {
  const id = uniqueId("table");
  const th = (t) => (t.startsWith("#") && t.length > 1 ?
    h("th", {scope: "col", class: "num"}, t.slice(1)) : h("th", {scope: "col"}, t));
  const table = h("table", attrs,
    h("caption", {id}, captionText),
    h("thead", null, h("tr", null, headers.map(th))),
    h("tbody", null, rows));
  return h("div", {class: "table-wrap", role: "region", "aria-labelledby": id, tabindex: "0"}, table);
}

let idCounter = 0;
/** An id unique in the page, for aria-labelledby and label/for pairs. */
export function uniqueId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// ---- Formatting ---------------------------------------------------------

const dateTime = new Intl.DateTimeFormat(undefined, {dateStyle: "medium", timeStyle: "medium"});
const timeOnly = new Intl.DateTimeFormat(undefined, {timeStyle: "medium"});
const number = new Intl.NumberFormat();

/** "25 Nov 2026, 09:15:18", or "—" for null. */
export function fmtDateTime(ms) {
  return ms === null || ms === undefined ? "—" : dateTime.format(new Date(ms));
}

/** "09:15:18" for today, else the date too. */
export function fmtWhen(ms) {
  if (ms === null || ms === undefined) return "—";
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString() ? timeOnly.format(d) : dateTime.format(d);
}

/** A <time> element showing fmtWhen(ms), the full date in its title. */
export function timeEl(ms) {
  if (ms === null || ms === undefined) return h("span", {class: "muted"}, "—");
  return h("time", {datetime: new Date(ms).toISOString(), title: fmtDateTime(ms)}, fmtWhen(ms));
}

/** How long ago ms was: "just now", "3 min ago", "5 h ago", "2 days ago". */
export function fmtAgo(ms, now = Date.now()) {
  if (ms === null || ms === undefined) return "never";
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return "just now";
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const hrs = Math.round(min / 60);
  if (hrs < 48) return `${hrs} h ago`;
  return `${Math.round(hrs / 24)} days ago`;
}

/** A <time> saying fmtAgo(ms), kept up to date by the page's ticker (class ago). */
export function agoEl(ms) {
  if (ms === null || ms === undefined) return h("span", {class: "muted"}, "never");
  return h("time", {class: "ago", datetime: new Date(ms).toISOString(), title: fmtDateTime(ms), dataset: {at: ms}},
    fmtAgo(ms));
}

export function fmtNumber(n) {
  return n === null || n === undefined ? "—" : number.format(n);
}

/** "64 ms", "3.2 s", "2 min 5 s". */
export function fmtDuration(ms) {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** "9:58" for a span of milliseconds (minutes:seconds, hours when long). */
export function fmtClock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hrs = Math.floor(total / 3600);
  const min = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, "0");
  return hrs > 0 ? `${hrs}:${String(min).padStart(2, "0")}:${sec}` : `${min}:${sec}`;
}

/** The first 8 characters of a uid, for narrow cells (the whole in a title). */
export function shortUid(uid) {
  return uid && uid.length > 13 ? `${uid.slice(0, 8)}…` : uid || "—";
}

/** A milliseconds time as a datetime-local input value, or "". */
export function toLocalInput(ms) {
  if (ms === null || ms === undefined) return "";
  const d = new Date(ms);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

/** A datetime-local input value as milliseconds, or null when empty. */
export function fromLocalInput(value) {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}
