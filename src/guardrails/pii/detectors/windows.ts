/**
 * Running a many-branch pattern at every position of a 100 KB prompt is what makes a detector slow; most
 * shapes need a rare anchor word ("born", "Rue", "APO", "straße"). `matchNear` finds those anchors with a
 * cheap pattern first and runs the full pattern only in the stretch around each one.
 */
export interface Window {
  start: number;
  end: number;
}

/** Stretches `before` code units before to `after` code units after each trigger match, merged when they overlap. */
export function triggerWindows(text: string, trigger: RegExp, before: number, after: number): Window[] {
  const windows: Window[] = [];
  for (const hit of text.matchAll(trigger)) {
    const start = Math.max(0, hit.index - before);
    const end = Math.min(text.length, hit.index + hit[0].length + after);
    const last = windows[windows.length - 1];
    if (last !== undefined && start <= last.end) last.end = Math.max(last.end, end);
    else windows.push({ start, end });
  }
  return windows;
}

/**
 * Every match of the global `pattern` that starts inside a window. The pattern runs on the text up to the
 * window's end with `lastIndex` at its start, so look-behinds see the real preceding characters and offsets
 * stay those of `text`. A match is cut at the window's end: `after` must exceed the longest match.
 */
export function matchNear(text: string, trigger: RegExp, pattern: RegExp, before: number, after: number) {
  const matches: RegExpExecArray[] = [];
  for (const window of triggerWindows(text, trigger, before, after)) {
    const head = text.slice(0, window.end);
    pattern.lastIndex = window.start;
    for (let match = pattern.exec(head); match !== null; match = pattern.exec(head)) {
      matches.push(match);
      if (match[0].length === 0) pattern.lastIndex++;
    }
  }
  return matches;
}
