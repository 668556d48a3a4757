/**
 * The lexicon key of a name: accents and case dropped, "ß" as "ss", apostrophes removed, so "Müller",
 * "MULLER" and "Muller" meet, and "O’Brien" is "obrien". Used by the lexicon build and by the detector.
 */
export function foldName(name: string): string {
  // Most words are plain ASCII letters: lower-casing is all they need, and it is much cheaper than NFD.
  if (/^[A-Za-z-]+$/.test(name)) return name.toLowerCase();
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f'’]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/ł/g, "l")
    .replace(/ø/g, "o")
    .replace(/æ/g, "ae");
}
