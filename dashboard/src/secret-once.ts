import { h } from "./dom";

/**
 * A secret the API returns only once (a new API key or admin credential), with a copy button. `testId`
 * names the panel (`{testId}`) and the secret (`{testId}-plaintext`) for the browser tests.
 */
export function secretOncePanel(secret: string, note: string, testId: string): HTMLElement {
  const status = h("span", { role: "status" });
  const copy = h("button", { type: "button" }, "Copy");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(secret);
      status.textContent = "Copied.";
    } catch {
      status.textContent = "Copy failed: select it and copy it by hand.";
    }
  });
  return h(
    "div",
    { class: "once", "data-testid": testId },
    h("p", {}, h("strong", {}, "Copy this now."), ` ${note}`),
    h(
      "div",
      { class: "row" },
      h("code", { class: "secret", "data-testid": `${testId}-plaintext` }, secret),
      copy,
      status,
    ),
  );
}
