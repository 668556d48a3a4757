import { ApiError } from "./api";
import { h, replace } from "./dom";

/** An API error as the user sees it: the gateway's message and its stable code, announced to screen readers. */
export function errorBox(err: unknown): HTMLElement {
  const apiError = err instanceof ApiError ? err : null;
  const message = err instanceof Error ? err.message : String(err);
  return h(
    "div",
    { class: "error", role: "alert" },
    h("strong", {}, "Error: "),
    message,
    apiError
      ? h("span", { class: "code" }, " (code ", h("code", { "data-error-code": apiError.code }, apiError.code), ")")
      : null,
  );
}

export function loading(label = "Loading…"): HTMLElement {
  return h("p", { role: "status", class: "loading", "aria-live": "polite" }, label);
}

/**
 * Runs `work` while `button` shows it is busy (disabled, aria-busy, label changed after a blink), and puts any
 * error into `messages`. Returns the work's result, or undefined when it failed.
 */
export async function busy<T>(
  button: HTMLButtonElement,
  messages: HTMLElement,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  const timer = setTimeout(() => (button.textContent = `${label}…`), 150);
  replace(messages);
  try {
    return await work();
  } catch (err) {
    replace(messages, errorBox(err));
    return undefined;
  } finally {
    clearTimeout(timer);
    button.textContent = label;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** Loads a section: a status line while waiting, then the content or the error. */
export async function section(container: HTMLElement, load: () => Promise<Node>): Promise<void> {
  replace(container, loading());
  try {
    replace(container, await load());
  } catch (err) {
    replace(container, errorBox(err));
  }
}

/** A modal confirmation (native <dialog>: focus trapped, Escape cancels). */
export function confirmAction(question: string, confirmLabel: string): Promise<boolean> {
  return new Promise((done) => {
    const dialog = h(
      "dialog",
      { class: "confirm", "aria-labelledby": "confirm-title" },
      h(
        "form",
        { method: "dialog" },
        h("p", { id: "confirm-title" }, question),
        h(
          "div",
          { class: "actions" },
          h("button", { value: "cancel", type: "submit" }, "Cancel"),
          h("button", { value: "confirm", type: "submit", class: "danger" }, confirmLabel),
        ),
      ),
    );
    dialog.addEventListener("close", () => {
      done(dialog.returnValue === "confirm");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function notice(text: string): HTMLElement {
  return h("p", { class: "notice", role: "status" }, text);
}
