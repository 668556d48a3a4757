import type { Context } from "hono";

/**
 * `/docs`: the API reference, rendered in the page from `/openapi.json` by a small same-origin script. No UI
 * is loaded from a CDN (#16 item 7: a third-party script on the page that holds an operator's or tenant
 * admin's token is a supply-chain hole, and an unpinned one changes under us); the CSP allows this origin only.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tollgate API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/reference.css">
</head>
<body>
<header><h1>Tollgate API reference</h1><p>From <a href="/openapi.json">/openapi.json</a>. Control-plane routes answer on the API host; data-plane routes on a project's hostname.</p></header>
<main id="reference"><p>Loading…</p></main>
<script src="/docs/reference.js"></script>
</body>
</html>`;

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem;color:#1d1d1f}
h2{border-bottom:1px solid #ddd;margin-top:2rem}details{border:1px solid #e3e3e3;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}code.m{display:inline-block;min-width:4.5rem;font-weight:700;text-transform:uppercase}
pre{background:#f6f6f8;padding:.6rem;overflow:auto;max-height:28rem;font-size:13px}`;

// Plain DOM building with textContent only: nothing from the document is ever parsed as HTML.
const SCRIPT = `(async () => {
  const root = document.getElementById("reference");
  const el = (tag, text, cls) => { const n = document.createElement(tag); if (text) n.textContent = text; if (cls) n.className = cls; return n; };
  const doc = await (await fetch("/openapi.json")).json();
  root.replaceChildren();
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths || {}))
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([method, path, op]);
    }
  for (const [tag, ops] of byTag) {
    root.append(el("h2", tag));
    for (const [method, path, op] of ops) {
      const d = el("details"); const s = el("summary");
      s.append(el("code", method, "m"), el("code", path), document.createTextNode(" " + (op.summary || "")));
      d.append(s);
      if (op.servers) d.append(el("p", "Server: " + op.servers.map((x) => x.url).join(", ")));
      const body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
      if (body) { d.append(el("h4", "Request body")); d.append(el("pre", JSON.stringify(body.schema, null, 2))); }
      d.append(el("h4", "Responses"));
      for (const [status, r] of Object.entries(op.responses || {})) d.append(el("p", status + ": " + (r.description || "")));
      root.append(d);
    }
  }
  if (doc.components && doc.components.schemas) {
    root.append(el("h2", "Schemas"));
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      const d = el("details"); d.append(el("summary", name), el("pre", JSON.stringify(schema, null, 2))); root.append(d);
    }
  }
})().catch((e) => { document.getElementById("reference").textContent = "Could not load /openapi.json: " + e; });`;

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'";

const serve = (body: string, type: string) => (c: Context) =>
  c.body(body, 200, { "Content-Type": type, "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff" });

export const docsPage = serve(PAGE, "text/html; charset=utf-8");
export const docsScript = serve(SCRIPT, "text/javascript; charset=utf-8");
export const docsStyle = serve(STYLE, "text/css; charset=utf-8");
