import { api } from "../api";
import { h, replace, table } from "../dom";
import { busy, confirmAction, section } from "../feedback";
import { secretOncePanel } from "../secret-once";
import { session } from "../session";
import type { AdminCredential, CreatedAdminCredential, List } from "../types";

/**
 * The tenant's admin credentials: rotate (the old secret fails on the next call) or revoke. Rotating the
 * credential this tab signed in with switches the session to the successor, so the page keeps working;
 * its plaintext is shown once. A second credential is the overlap for handing over to another system.
 */
export async function renderAdminAccess(main: HTMLElement): Promise<void> {
  const tenant = session.tenant();
  const base = `/v1/tenants/${encodeURIComponent(tenant?.id ?? "")}/admin-credentials`;
  const list = h("div");
  const reveal = h("div", { "aria-live": "polite" });
  const messages = h("div", { "aria-live": "polite" });
  const issue = h("button", { type: "button" }, "Issue another credential");

  const showOnce = (created: CreatedAdminCredential, replacesSession: boolean) => {
    if (replacesSession && tenant) session.signIn(created.admin_credential, tenant);
    const note = replacesSession
      ? "This tab now uses it; the old credential no longer works. The gateway keeps only its hash."
      : "It is shown only once; the gateway keeps only its hash.";
    replace(reveal, secretOncePanel(created.admin_credential, note, "new-admin-credential"));
  };
  const refresh = () =>
    section(list, async () => credentialTable((await api<List<AdminCredential>>("GET", base)).data));

  function credentialTable(rows: AdminCredential[]): HTMLElement {
    return table(
      "Admin credentials of this tenant",
      ["Prefix", "Created", "Status", "Actions"],
      rows.map((row) => [
        h("code", {}, `${row.prefix}…`),
        new Date(row.created_at).toLocaleString(),
        row.revoked_at
          ? h("span", { class: "badge suspended" }, "revoked")
          : h("span", { class: "badge active" }, row.current ? "active (this session)" : "active"),
        row.revoked_at
          ? ""
          : h("div", { class: "actions" }, action("Rotate", row, "rotate"), action("Revoke", row, "revoke")),
      ]),
    );
  }

  function action(label: string, row: AdminCredential, kind: "rotate" | "revoke"): HTMLButtonElement {
    const button = h(
      "button",
      {
        type: "button",
        class: kind === "revoke" ? "danger small" : "small",
        "aria-label": `${label} credential ${row.prefix}`,
      },
      label,
    );
    button.addEventListener("click", async () => {
      const question =
        kind === "rotate"
          ? `Rotate ${row.prefix}…? It stops working now and a new credential is issued.`
          : `Revoke ${row.prefix}…? It stops working now; this cannot be undone.`;
      if (!(await confirmAction(question, label))) return;
      await busy(button, messages, async () => {
        const path = `${base}/${encodeURIComponent(row.id)}`;
        if (kind === "rotate") showOnce(await api<CreatedAdminCredential>("POST", `${path}/rotate`), row.current);
        else {
          await api("DELETE", path);
          if (row.current) {
            session.signOut();
            location.reload();
            return;
          }
        }
        await refresh();
      });
    });
    return button;
  }

  issue.addEventListener("click", () => {
    void busy(issue, messages, async () => {
      showOnce(await api<CreatedAdminCredential>("POST", base), false);
      await refresh();
    });
  });
  replace(main, h("h1", { tabindex: -1 }, "Admin access"), reveal, list, h("div", { class: "row" }, issue), messages);
  await refresh();
}
