// SPDX-License-Identifier: MIT
// The page's common parts: messages (a polite live region for news, an
// alert region for errors), loading into a region with aria-busy and a
// retry, buttons that stay disabled while they work, and dialogs (focus
// returns to what opened them; Escape closes them, as <dialog> does).
import {h, replaceChildren} from "./dom.js";
import {ApiError, SignedOut} from "./api.js";

const alerts = document.getElementById("alerts");
const messages = document.getElementById("messages");

export function isQuiet(err) {
  return err instanceof SignedOut || (err && err.name === "AbortError");
}

function dismissible(cls, text, detail) {
  const item = h("div", {class: cls},
    h("p", null, text, detail ? h("span", {class: "detail"}, ` ${detail}`) : null));
  item.append(h("button", {type: "button", class: "link-button", onclick: () => item.remove()},
    "Dismiss", h("span", {class: "visually-hidden"}, ` message: ${text}`)));
  return item;
}

/** A success or information message (a polite live region). Messages
 * stay in the flow until dismissed or the page changes: nothing moves
 * under the pointer by itself. */
export function notify(text) {
  messages.append(dismissible("message", text));
  while (messages.children.length > 2) messages.firstElementChild.remove();
}

/** An error from the server or the network, shown until dismissed. */
export function showError(err, context) {
  if (isQuiet(err)) return;
  const text = context ? `${context}: ${err.message}` : err.message;
  const detail = err instanceof ApiError && err.status ? `(${err.status} ${err.code})` : "";
  const item = dismissible("alert", text, detail);
  alerts.append(item);
  while (alerts.children.length > 3) alerts.firstElementChild.remove();
  item.scrollIntoView({block: "nearest"});
}

/** Forget the messages and errors (the page changed). */
export function clearNotices() {
  alerts.replaceChildren();
  messages.replaceChildren();
}

/** An error in place of content that could not be loaded, with a retry. */
export function errorBox(what, err, retry) {
  return h("div", {class: "error-box"},
    h("p", null, `Could not load ${what}: ${err.message}`,
      err instanceof ApiError && err.status ? h("span", {class: "detail"}, ` (${err.status} ${err.code})`) : null),
    retry ? h("button", {type: "button", onclick: retry}, "Try again") : null);
}

/** Load into container: busy while loading, render(data) or an error box. */
export async function loadInto(container, what, load, render) {
  container.setAttribute("aria-busy", "true");
  try {
    const data = await load();
    if (container.isConnected) replaceChildren(container, render(data));
  } catch (err) {
    if (isQuiet(err) || !container.isConnected) return;
    replaceChildren(container, errorBox(what, err, () => loadInto(container, what, load, render)));
  } finally {
    container.removeAttribute("aria-busy");
  }
}

export function button(label, onclick, attrs = {}) {
  return h("button", {type: "button", ...attrs, onclick}, label);
}

/** Run action with btn disabled (and aria-busy) until it settles. */
export async function withButton(btn, action) {
  if (btn.disabled) return;
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  try {
    await action();
  } finally {
    btn.disabled = false;
    btn.removeAttribute("aria-busy");
  }
}

export function statusBadge(status) {
  return h("span", {class: `badge badge-${status}`}, status);
}

export function hidden(text) {
  return h("span", {class: "visually-hidden"}, text);
}

// ---- Dialogs -------------------------------------------------------------

export function openDialog(dialog, opener) {
  dialog.returnFocusTo = opener || document.activeElement;
  dialog.showModal();
}

for (const dialog of document.querySelectorAll("dialog")) {
  dialog.addEventListener("close", () => {
    const back = dialog.returnFocusTo;
    dialog.returnFocusTo = null;
    if (back && back.isConnected) back.focus();
    else document.getElementById("main").focus();
  });
  for (const closer of dialog.querySelectorAll("[data-close]")) {
    closer.addEventListener("click", () => dialog.close());
  }
}

/**
 * Ask before doing something. run(ctx) does it; it returns false to keep
 * the dialog open (ctx.setError, ctx.setOk to change the question).
 */
export function confirmAction({title, text, okLabel, opener, run}) {
  const ok = document.getElementById("confirm-ok");
  const error = document.getElementById("confirm-error");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  error.textContent = "";
  ok.textContent = okLabel;
  const ctx = {
    data: {},
    setError: (msg) => { error.textContent = msg; },
    setOk: (label) => { ok.textContent = label; },
  };
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-form").onsubmit = async (ev) => {
    ev.preventDefault();
    await withButton(ok, async () => {
      try {
        if ((await run(ctx)) !== false) dialog.close();
      } catch (err) {
        if (err instanceof SignedOut) return;
        error.textContent = err.message;
      }
    });
  };
  openDialog(dialog, opener);
  dialog.querySelector("[data-close]").focus();
}
