/**
 * Whole-text disguises that no embedded-segment decoder finds (decode.ts does base64, hex and URL
 * encoding): text spelled in invisible Unicode tag characters, rot13 and reversed text. Each variant is
 * scored like a decoded payload, so a hit counts as smuggling. rot13 and reversal are tried on texts up to
 * MAX_TRANSFORMED code units: the attack is a short instruction, and the bound keeps the cost constant on
 * long prompts. Tag text is always extracted: it is invisible, so no benign prompt carries much of it.
 */
const MAX_TRANSFORMED = 4096;
const TAG_FIRST = 0xe0000;
const TAG_LAST = 0xe007f;

export function disguisedVariants(text: string): string[] {
  return [...hiddenVariants(text), ...transformedVariants(text)];
}

/** Text the user hid rather than transformed: what tag characters spell. */
export function hiddenVariants(text: string): string[] {
  const tagged = tagText(text);
  return tagged.length >= 4 ? [tagged] : [];
}

/** rot13 and reversed text of a short prompt with letters. */
export function transformedVariants(text: string): string[] {
  if (text.length > MAX_TRANSFORMED || !/[A-Za-z]{3}/.test(text)) return [];
  return [rot13(text), reverse(text)];
}

/** What tag characters spell: each U+E00xx stands for ASCII xx ("ASCII smuggling"). */
export function tagText(text: string): string {
  if (!text.includes("\udb40")) return "";
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= TAG_FIRST && code <= TAG_LAST) out += String.fromCharCode(code - TAG_FIRST);
  }
  return out;
}

export function rot13(text: string): string {
  return text.replace(/[A-Za-z]/g, (char) => {
    const base = char <= "Z" ? 65 : 97;
    return String.fromCharCode(((char.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/** By code point, so surrogate pairs survive. */
export function reverse(text: string): string {
  return [...text].reverse().join("");
}
