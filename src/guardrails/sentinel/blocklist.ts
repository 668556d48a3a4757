import { normalise } from "./normalise";

/**
 * Per-project blocklist (`sentinel_blocklist`): plain phrases, or `/regex/flags`. Regexes are validated when
 * the settings are saved, because a project's pattern runs on every prompt of that project inside the
 * gateway: a pattern that backtracks catastrophically (`/(a+)+$/`) would let one request burn the isolate's
 * CPU. The rules below bound the work per start position by a constant, so matching stays linear:
 * - at most MAX_PATTERN_LENGTH characters, flags among `imsu`;
 * - no backreferences (matching with them is NP-hard in general);
 * - no unbounded quantifiers (`*`, `+`, `{n,}`): write `{0,40}` — a bounded window is what phrases need;
 * - no quantified group that itself contains a quantifier ("nested quantifier", star height > 1);
 * - the product of the quantifiers' ranges (the number of ways a match can be re-tried) at most MAX_BRANCHING.
 */
export const MAX_ENTRIES = 100;
export const MAX_PATTERN_LENGTH = 200;
export const MAX_PHRASE_LENGTH = 200;
const MAX_BRANCHING = 10_000;

export interface CompiledBlocklist {
  /** Phrases in normalised form, matched as substrings of the normalised prompt. */
  phrases: readonly string[];
  patterns: readonly RegExp[];
}

export type BlocklistValidation =
  | { ok: true; compiled: CompiledBlocklist }
  | { ok: false; errors: { index: number; reason: string }[] };

export const EMPTY_BLOCKLIST: CompiledBlocklist = { phrases: [], patterns: [] };

export function validateBlocklist(entries: readonly string[]): BlocklistValidation {
  const errors: { index: number; reason: string }[] = [];
  const phrases: string[] = [];
  const patterns: RegExp[] = [];
  if (entries.length > MAX_ENTRIES) errors.push({ index: MAX_ENTRIES, reason: `at most ${MAX_ENTRIES} entries` });
  entries.slice(0, MAX_ENTRIES).forEach((entry, index) => {
    const regex = /^\/(.+)\/([a-z]*)$/s.exec(entry);
    if (regex === null) {
      const phrase = normalise(entry);
      if (phrase.length === 0) errors.push({ index, reason: "empty phrase" });
      else if (entry.length > MAX_PHRASE_LENGTH)
        errors.push({ index, reason: `phrase longer than ${MAX_PHRASE_LENGTH} characters` });
      else phrases.push(phrase);
      return;
    }
    const [, source = "", flags = ""] = regex;
    const reason = checkPattern(source, flags);
    if (reason !== null) errors.push({ index, reason });
    else patterns.push(new RegExp(source, flags));
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, compiled: { phrases, patterns } };
}

/** Returns why a pattern is refused, or null when it is safe to run on every prompt. */
export function checkPattern(source: string, flags: string): string | null {
  if (source.length > MAX_PATTERN_LENGTH) return `pattern longer than ${MAX_PATTERN_LENGTH} characters`;
  if (!/^[imsu]*$/.test(flags) || new Set(flags).size !== flags.length) return "flags must be a subset of imsu";
  try {
    new RegExp(source, flags);
  } catch {
    return "not a valid regular expression";
  }
  return checkStructure(source);
}

interface GroupState {
  hasQuantifier: boolean;
}

/**
 * One pass over the pattern source tracking groups and quantifiers. Character classes and escapes are
 * skipped as atoms, so `[+*]` or `\+` are not mistaken for quantifiers.
 */
function checkStructure(source: string): string | null {
  const stack: GroupState[] = [{ hasQuantifier: false }];
  let branching = 1;
  let lastAtomWasGroup: GroupState | null = null;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === "\\") {
      const next = source[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") return "backreferences are not allowed";
      i += next === "u" || next === "x" || next === "p" || next === "P" ? skipEscapeBody(source, i + 1) : 1;
      lastAtomWasGroup = null;
      continue;
    }
    if (char === "[") {
      i = skipClass(source, i);
      lastAtomWasGroup = null;
      continue;
    }
    if (char === "(") {
      stack.push({ hasQuantifier: false });
      i += groupPrefixLength(source, i + 1);
      lastAtomWasGroup = null;
      continue;
    }
    if (char === ")") {
      const closed = stack.pop();
      if (closed === undefined || stack.length === 0) return "unbalanced parentheses";
      const parent = stack[stack.length - 1];
      if (parent && closed.hasQuantifier) parent.hasQuantifier = true;
      lastAtomWasGroup = closed;
      continue;
    }
    const quantifier = readQuantifier(source, i);
    if (quantifier === null) {
      lastAtomWasGroup = null;
      continue;
    }
    if (quantifier.max === Infinity) return "unbounded quantifier (*, + or {n,}); use a bounded one such as {0,40}";
    if (lastAtomWasGroup?.hasQuantifier && quantifier.max > 1)
      return "nested quantifier (a quantified group containing a quantifier)";
    const top = stack[stack.length - 1];
    if (top) top.hasQuantifier = true;
    branching *= quantifier.max - quantifier.min + 1;
    if (branching > MAX_BRANCHING) return "too many ways to match (quantifier ranges multiply past 10,000)";
    i += quantifier.length - 1;
    lastAtomWasGroup = null;
  }
  return stack.length === 1 ? null : "unbalanced parentheses";
}

function readQuantifier(source: string, i: number): { min: number; max: number; length: number } | null {
  const char = source[i];
  const lazy = source[i + 1] === "?" ? 1 : 0;
  if (char === "*") return { min: 0, max: Infinity, length: 1 + lazy };
  if (char === "+") return { min: 1, max: Infinity, length: 1 + lazy };
  if (char === "?") return { min: 0, max: 1, length: 1 };
  if (char !== "{") return null;
  const braces = /^\{(\d{1,6})(,(\d{0,6}))?\}/.exec(source.slice(i, i + 16));
  if (braces === null) return null;
  const min = Number(braces[1]);
  const max = braces[2] === undefined ? min : braces[3] === "" ? Infinity : Number(braces[3]);
  const length = braces[0].length;
  return { min, max, length: length + (source[i + length] === "?" ? 1 : 0) };
}

/** `?:`, `?=`, `?!`, `?<=`, `?<!`, `?<name>` after an opening parenthesis: syntax, not a quantifier. */
function groupPrefixLength(source: string, at: number): number {
  if (source[at] !== "?") return 0;
  const prefix = /^\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]{0,40}>)/.exec(source.slice(at, at + 45));
  return prefix === null ? 0 : prefix[0].length;
}

function skipClass(source: string, open: number): number {
  for (let i = open + 1; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "]") return i;
  }
  return source.length;
}

/** Length of `\uXXXX`, `\u{…}`, `\xXX`, `\p{…}` after the backslash. */
function skipEscapeBody(source: string, at: number): number {
  if (source[at + 1] === "{") {
    const close = source.indexOf("}", at + 1);
    return close < 0 ? 1 : close - at + 1;
  }
  return source[at] === "x" ? 3 : source[at] === "u" ? 5 : 1;
}
