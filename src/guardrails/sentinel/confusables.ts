/**
 * Characters that render like Latin letters (Cyrillic, Greek, and a few symbols), folded to the Latin letter
 * an attacker meant. NFKC already folds full-width and mathematical alphanumerics; these are the lookalikes
 * it leaves alone. A small table on purpose: Unicode's full confusables list is ~6,000 rows and most of them
 * never appear in attacks on English-language prompts.
 */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  ѕ: "s",
  і: "i",
  ї: "i",
  ј: "j",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  ү: "y",
  һ: "h",
  ɡ: "g",
  // Greek
  α: "a",
  β: "b",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  ω: "w",
  // Latin lookalikes and symbols
  ı: "i",
  ł: "l",
  ø: "o",
  đ: "d",
  ħ: "h",
  ŧ: "t",
  ß: "ss",
  æ: "ae",
  œ: "oe",
};

const CONFUSABLE_CHARS = new RegExp(`[${Object.keys(CONFUSABLES).join("")}]`, "g");

/** Expects lower-cased input (the table lists lower-case forms only). */
export function foldConfusables(text: string): string {
  return text.replace(CONFUSABLE_CHARS, (char) => CONFUSABLES[char] ?? char);
}
