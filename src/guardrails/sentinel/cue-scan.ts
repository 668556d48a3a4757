/**
 * Finds which of a fixed set of literal cues occur in a text, in one pass whatever the number of cues
 * (Aho–Corasick: a trie of the cues whose failure links are folded into a dense transition table, so each
 * character costs one table lookup). Sentinel uses it as a prefilter: a pattern's regex runs only when one
 * of the literals it cannot match without has been seen, and most prompts contain few of them.
 *
 * A cue may start and/or end with `\b`: the hit then counts only at a word boundary as RegExp defines it
 * (`\w` = `[A-Za-z0-9_]`), so "dan" as a name is not triggered by "abundant". Cues are ASCII; any other
 * character resets the automaton, which is correct because no cue can span it.
 */
export interface CueIndex {
  readonly cues: readonly string[];
  /** Character code (< 128) → alphabet class; 0 for characters in no cue. */
  readonly classes: Uint8Array;
  /** Transition table, `next[state + class]`; states are stored pre-multiplied by the alphabet width. */
  readonly next: Int32Array;
  /** Per (pre-multiplied) state: 1 when some cue ends there, so the hot loop tests a byte, not a list. */
  readonly accepting: Uint8Array;
  /** Per (pre-multiplied) state: cue ids ending here (own and inherited through failure links). */
  readonly outputs: ReadonlyMap<number, readonly number[]>;
  readonly literals: readonly { text: string; boundaryBefore: boolean; boundaryAfter: boolean }[];
}

export function buildCueIndex(cues: readonly string[]): CueIndex {
  const literals = cues.map(parseCue);
  const classes = new Uint8Array(128);
  let width = 1;
  for (const { text } of literals) {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 128) throw new Error(`cue ${JSON.stringify(text)} is not ASCII`);
      if (classes[code] === 0) classes[code] = width++;
    }
  }
  // Trie with sparse children first; the dense table is filled breadth-first below.
  const children: Map<number, number>[] = [new Map()];
  const own: number[][] = [[]];
  literals.forEach(({ text }, id) => {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const cls = classes[text.charCodeAt(i)] ?? 0;
      let child = children[state]?.get(cls);
      if (child === undefined) {
        child = children.length;
        children.push(new Map());
        own.push([]);
        children[state]?.set(cls, child);
      }
      state = child;
    }
    own[state]?.push(id);
  });
  const next = new Int32Array(children.length * width);
  const fail = new Int32Array(children.length);
  const outputs: number[][] = own.map((ids) => [...ids]);
  const queue: number[] = [];
  for (const [cls, child] of children[0] ?? []) {
    next[cls] = child;
    queue.push(child);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head] ?? 0;
    outputs[state]?.push(...(outputs[fail[state] ?? 0] ?? []));
    for (let cls = 0; cls < width; cls++) {
      const child = children[state]?.get(cls);
      const fallback = next[(fail[state] ?? 0) * width + cls] ?? 0;
      if (child === undefined) {
        next[state * width + cls] = fallback;
      } else {
        next[state * width + cls] = child;
        fail[child] = fallback;
        queue.push(child);
      }
    }
  }
  for (let i = 0; i < next.length; i++) next[i] = (next[i] ?? 0) * width;
  const accepting = new Uint8Array(next.length);
  const byOffset = new Map<number, number[]>();
  outputs.forEach((ids, state) => {
    if (ids.length === 0) return;
    accepting[state * width] = 1;
    byOffset.set(state * width, ids);
  });
  return { cues, classes, next, accepting, outputs: byOffset, literals };
}

/** Which cues occur in `text` (UTF-16 code units), as a flag per cue id. Linear in the text length. */
export function scanCues(index: CueIndex, text: Uint16Array): Uint8Array {
  const seen = new Uint8Array(index.cues.length);
  const { classes, next, accepting, outputs, literals } = index;
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    // Typed-array reads within bounds; `?? 0` only satisfies the index type (0 is the start state).
    const code = text[i] ?? 0;
    state = next[state + (code < 128 ? (classes[code] ?? 0) : 0)] ?? 0;
    if (accepting[state] === 0) continue;
    for (const id of outputs.get(state) ?? []) {
      const literal = literals[id];
      if (literal === undefined || seen[id] === 1) continue;
      if (literal.boundaryBefore && isWordChar(text[i - literal.text.length] ?? -1)) continue;
      if (literal.boundaryAfter && isWordChar(text[i + 1] ?? -1)) continue;
      seen[id] = 1;
    }
  }
  return seen;
}

function parseCue(cue: string): { text: string; boundaryBefore: boolean; boundaryAfter: boolean } {
  const boundaryBefore = cue.startsWith("\\b");
  const boundaryAfter = cue.endsWith("\\b") && cue.length > 2;
  const text = cue.slice(boundaryBefore ? 2 : 0, boundaryAfter ? -2 : undefined);
  if (text.length === 0) throw new Error("empty cue");
  // A boundary is only a boundary next to a word character: `\b<` would never hold where `<` is.
  if (
    (boundaryBefore && !isWordChar(text.charCodeAt(0))) ||
    (boundaryAfter && !isWordChar(text.charCodeAt(text.length - 1)))
  ) {
    throw new Error(`cue ${JSON.stringify(cue)} puts \\b next to a non-word character`);
  }
  return { text, boundaryBefore, boundaryAfter };
}

/** RegExp's `\w` without the `u` flag; -1 (outside the text) is not a word character. */
function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
}
