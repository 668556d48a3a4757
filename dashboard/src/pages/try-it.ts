import { api, errorFrom, request } from "../api";
import { field, formValue, h, replace } from "../dom";
import { busy, notice, section } from "../feedback";
import { readChatStream } from "../chat-stream";
import { projectOrigin } from "../project-url";
import { session } from "../session";
import type { List, Project, Settings } from "../types";

const RATE_HEADERS = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-Id"];

/**
 * Try it: mint a JWT for a test user with a project API key (on this host, same origin), then call the
 * project's hostname from the browser, as a customer's frontend would, and stream the answer. The browser
 * call needs this dashboard's origin in the project's `cors_origins`; the panel offers a one-click allow
 * rather than adding it silently, because widening a project's CORS policy is the admin's decision.
 */
export async function renderTryIt(main: HTMLElement): Promise<void> {
  const body = h("div");
  replace(main, h("h1", { tabindex: -1 }, "Try it"), body);
  await section(body, async () => {
    const projects = (await api<List<Project>>("GET", "/v1/projects")).data.filter((p) => p.status === "active");
    if (projects.length === 0)
      return h("p", { class: "empty" }, "Create a project first.", " ", h("a", { href: "#/projects" }, "Projects"));
    return tryForm(projects);
  });
}

function tryForm(projects: Project[]): HTMLElement {
  const select = h(
    "select",
    { name: "project" },
    projects.map((p) => h("option", { value: p.id }, `${p.name} (${p.slug})`)),
  );
  const keyInput = h("input", {
    name: "api_key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
  });
  const originStatus = h("div", { "aria-live": "polite" });
  const messages = h("div", { "aria-live": "polite" });
  const headers = h("dl", { class: "facts", "data-testid": "rate-headers" });
  const output = h("output", { class: "stream", "data-testid": "stream-output", "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Send");
  const current = () => projects.find((p) => p.id === select.value) ?? projects[0]!;

  const refreshProject = () => {
    keyInput.value = session.keyFor(current().id) ?? "";
    void section(originStatus, () => originPanel(current()));
  };
  select.addEventListener("change", refreshProject);

  const form = h(
    "form",
    { class: "card", "aria-label": "Try a chat completion" },
    field("Project", select),
    originStatus,
    field("API key", keyInput, "Filled in when you created a key in this tab; otherwise paste one (tg_sk_live_…)."),
    h(
      "div",
      { class: "row" },
      field("Test user id", h("input", { name: "user_id", value: "dashboard-tester", required: true, maxlength: 200 })),
    ),
    field("Message", h("textarea", { name: "prompt", rows: 3, required: true }, "Say hello in five words.")),
    messages,
    submit,
    h("h2", {}, "Response"),
    output,
    h("h3", {}, "Rate-limit headers"),
    headers,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    replace(output);
    replace(headers);
    void busy(submit, messages, async () => {
      const minted = (await (
        await request(
          "POST",
          "/auth/v1/auth/mint",
          { user_id: formValue(form, "user_id"), ttl_seconds: 300 },
          keyInput.value.trim(),
        )
      ).json()) as { token: string };
      let res: Response;
      try {
        res = await fetch(`${projectOrigin(current())}/v1/chat/completions`, {
          method: "POST",
          headers: { Authorization: `Bearer ${minted.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({
            stream: true,
            stream_options: { include_usage: true },
            messages: [{ role: "user", content: formValue(form, "prompt") }],
          }),
          credentials: "omit",
        });
      } catch {
        throw new Error("The browser could not reach the project host. Is this dashboard's origin allowed (CORS)?");
      }
      replace(
        headers,
        RATE_HEADERS.flatMap((name) => [
          h("dt", {}, name),
          h("dd", { "data-header": name.toLowerCase() }, res.headers.get(name) ?? "—"),
        ]),
      );
      if (!res.ok || !res.body) throw await errorFrom(res);
      const result = await readChatStream(res.body, (delta) => output.append(delta));
      if (result.usage)
        replace(
          messages,
          notice(`Done: ${result.usage.prompt_tokens} prompt + ${result.usage.completion_tokens} completion tokens.`),
        );
    });
  });
  refreshProject();
  return form;
}

async function originPanel(project: Project): Promise<Node> {
  const settingsPath = `/v1/projects/${encodeURIComponent(project.id)}/settings`;
  const settings = await api<Settings>("GET", settingsPath);
  const origin = location.origin;
  if (settings.cors_origins.includes(origin))
    return notice(`This dashboard's origin ${origin} is allowed to call ${project.slug}.`);
  const messages = h("div");
  const allow = h("button", { type: "button" }, "Allow this dashboard origin");
  allow.addEventListener(
    "click",
    () =>
      void busy(allow, messages, async () => {
        const saved = await api<Settings>("PATCH", settingsPath, { cors_origins: [...settings.cors_origins, origin] });
        if (saved.cors_origins.includes(origin))
          replace(allow.parentElement ?? messages, notice(`Allowed ${origin} for ${project.slug}.`));
      }),
  );
  return h(
    "div",
    { class: "warn" },
    h(
      "p",
      {},
      `Browsers at ${origin} may not call ${project.slug} yet: its CORS origins do not include this dashboard.`,
    ),
    allow,
    messages,
  );
}
