import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { h, replace } from "./dom";
import { renderActivity } from "./pages/activity";
import { renderAdminAccess } from "./pages/admin-access";
import { renderFinops } from "./pages/finops";
import { renderProject } from "./pages/project";
import { renderProjects } from "./pages/projects";
import { renderProviders } from "./pages/providers";
import { renderSignIn } from "./pages/sign-in";
import { renderTryIt } from "./pages/try-it";
import { session } from "./session";

/** A page draws itself into `main`; `param` is the id in `#/projects/:id`. */
type Page = (main: HTMLElement, param: string | undefined) => Promise<void> | void;

const PAGES: Record<string, { title: string; render: Page; inNav: boolean }> = {
  projects: { title: "Projects", render: renderProjects, inNav: true },
  project: { title: "Project", render: renderProject, inNav: false },
  providers: { title: "Provider keys", render: renderProviders, inNav: true },
  finops: { title: "FinOps", render: renderFinops, inNav: true },
  activity: { title: "Activity", render: renderActivity, inNav: true },
  try: { title: "Try it", render: renderTryIt, inNav: true },
  access: { title: "Admin access", render: renderAdminAccess, inNav: true },
};

/** Hash routes (`#/finops`, `#/projects/prj_…`): a static file server needs no fallback, and reloads land on the same page. */
function parseRoute(hash: string): { page: string; param: string | undefined } {
  const [, first = "projects", second] = hash.replace(/^#/, "").split("/");
  if (first === "projects" && second) return { page: "project", param: decodeURIComponent(second) };
  return { page: first in PAGES ? first : "projects", param: undefined };
}

async function route(): Promise<void> {
  const main = document.getElementById("main") as HTMLElement;
  const nav = document.getElementById("nav") as HTMLElement;
  if (!session.credential()) {
    nav.hidden = true;
    replace(
      main,
      renderSignIn(() => void route()),
    );
    document.title = "Sign in · Tollgate";
    return;
  }
  const { page, param } = parseRoute(location.hash);
  const spec = PAGES[page] ?? PAGES.projects!;
  drawNav(nav, page === "project" ? "projects" : page);
  document.title = `${spec.title} · Tollgate`;
  replace(main);
  await spec.render(main, param);
  // Move focus to the new page's heading so keyboard and screen-reader users land on the content.
  main.querySelector<HTMLElement>("h1")?.focus();
}

function drawNav(nav: HTMLElement, current: string): void {
  nav.hidden = false;
  const links = Object.entries(PAGES)
    .filter(([, spec]) => spec.inNav)
    .map(([name, spec]) =>
      h("li", {}, h("a", { href: `#/${name}`, "aria-current": name === current ? "page" : false }, spec.title)),
    );
  const signOut = h(
    "button",
    {
      type: "button",
      class: "link",
      onclick: () => {
        session.signOut();
        location.hash = "#/projects";
        void route();
      },
    },
    "Sign out",
  );
  replace(nav, h("ul", {}, links, h("li", {}, h("span", { class: "tenant" }, session.tenant()?.name ?? ""), signOut)));
}

window.addEventListener("hashchange", () => void route());
void route();
