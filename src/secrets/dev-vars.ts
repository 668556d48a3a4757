/**
 * Reading and merging `.dev.vars` (dotenv syntax, read by wrangler). Pure text in, text out, so the
 * generate-secrets script stays thin and this logic is tested like everything else.
 *
 * Values holding a double quote (the JSON of JWT_SIGNING_KEYS) are written in single quotes: dotenv
 * does not unescape `\"` inside double quotes, so the JSON would reach the Worker corrupted.
 */
const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/;

export function readDevVars(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const match = LINE.exec(line);
    const [, name, raw] = match ?? [];
    if (name !== undefined && raw !== undefined) values.set(name, unquote(raw));
  }
  return values;
}

export function formatDevVar(name: string, value: string): string {
  if (/[\r\n]/.test(value) || (value.includes('"') && value.includes("'"))) {
    throw new Error(`${name} cannot be written to .dev.vars: it holds a newline or both quote kinds`);
  }
  return value.includes('"') ? `${name}='${value}'` : `${name}="${value}"`;
}

/** Adds the missing names; an existing value is never overwritten (it may be what old data was sealed with). */
export function mergeDevVars(
  existingText: string,
  values: Record<string, string>,
): { text: string; added: string[]; kept: string[] } {
  const existing = readDevVars(existingText);
  const added: string[] = [];
  const kept: string[] = [];
  const lines: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (existing.has(name)) {
      kept.push(name);
    } else {
      added.push(name);
      lines.push(formatDevVar(name, value));
    }
  }
  const base = existingText.length === 0 || existingText.endsWith("\n") ? existingText : `${existingText}\n`;
  return { text: lines.length === 0 ? existingText : `${base}${lines.join("\n")}\n`, added, kept };
}

/** Replaces one name's value in place (rotation), or appends it when absent; other lines are untouched. */
export function setDevVar(existingText: string, name: string, value: string): string {
  const formatted = formatDevVar(name, value);
  let found = false;
  const lines = existingText.split("\n").map((line) => {
    const match = LINE.exec(line);
    if (match?.[1] !== name || /^\s*#/.test(line)) return line;
    found = true;
    return formatted;
  });
  if (found) return lines.join("\n");
  return mergeDevVars(existingText, { [name]: value }).text;
}

function unquote(raw: string): string {
  const quoted = /^(['"`])([\s\S]*)\1$/.exec(raw);
  const [, quote, inner] = quoted ?? [];
  if (inner !== undefined) return quote === '"' ? inner.replace(/\\n/g, "\n") : inner;
  return raw.replace(/\s+#.*$/, "");
}
