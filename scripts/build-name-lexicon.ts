/**
 * Builds src/guardrails/pii/data/name-lexicon.json, the given-name and surname lexicon PERSON detection uses
 * without cue words. Deterministic: the same input files give a byte-identical file (sorted keys, no dates).
 *
 *   npm run build:names -- --sources <dir>
 *
 * <dir> holds copies of public files (docs/guardrails.md, "PERSON without cue words", says where from):
 *   common-forenames-by-country.csv, common-surnames-by-country.csv  sigpwned/popular-names-by-country-dataset (CC0)
 *   census-1990-firstnames-{female,male}.txt, census-1990-surnames.txt  US Census Bureau 1990 name files (public domain)
 *   *-ud-{dev,test}.conllu  UD English-EWT, German-GSD, French-GSD, Spanish-GSD (CC BY-SA 4.0): only to mark
 *   which names are also ordinary words; no treebank text goes into the lexicon.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { foldName } from "../src/guardrails/pii/detectors/name-fold";

const VERSION = "names-v1";
/** Census given names at or above this share of people (percent); rarer ones are mostly noise. */
const MIN_GIVEN_SHARE = 0.01;
/** The most frequent census surnames kept: 12,000 cover about 77% of people, at ~90 KB. */
const SURNAMES_KEPT = 12_000;
/** A name seen this often as a non-proper-noun word in the treebanks is an ordinary word too ("Will", "Rose"). */
const COMMON_WORD_MIN = 2;
/**
 * Names that are much more often places, brands, months or words the treebanks are too small to show.
 * Listed by hand; they count as ambiguous, so they are found only with a clear surname next to them.
 */
const HAND_AMBIGUOUS = [
  ...["january", "february", "april", "may", "june", "july", "august", "september", "october", "november"],
  ...["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "christmas", "easter"],
  ...["paris", "florence", "victoria", "georgia", "jordan", "washington", "lincoln", "austin", "houston"],
  ...["dallas", "sydney", "chelsea", "madison", "charlotte", "orlando", "phoenix", "denver", "virginia"],
  ...["carolina", "florida", "columbia", "santiago", "adelaide", "alexandria", "regina", "valencia", "lourdes"],
  ...["india", "china", "israel", "kenya", "jersey", "york", "london", "berlin", "vienna", "geneva", "milan"],
  ...["mercedes", "porsche", "ferrari", "tesla", "dell", "ford", "disney", "chanel", "gucci", "prada", "toyota"],
  ...["honda", "nike", "oracle", "amazon", "apple", "google", "siemens", "bosch", "philips", "boeing"],
  ...["python", "ruby", "julia", "swift", "rust", "perl", "java", "kotlin", "dart", "elixir", "crystal"],
  ...["north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "great"],
  ...["saint", "mount", "new", "old", "royal", "grand", "little", "mom", "dad", "internet", "mighty"],
  ...["jesus", "christ", "god", "allah", "buddha", "mohammed", "muhammad", "moses", "santa", "san", "saint"],
];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sourcesArg = process.argv.indexOf("--sources");
const sources = sourcesArg > 0 ? process.argv[sourcesArg + 1] : undefined;
if (sources === undefined || process.argv.includes("--help")) {
  console.log("Usage: tsx scripts/build-name-lexicon.ts --sources <dir>  (see the header for the files)");
  process.exit(sources === undefined ? 1 : 0);
}
const read = (file: string) => readFileSync(path.join(sources, file), "utf8").replace(/^\uFEFF/, "");
/** Latin-script names only: capitalisation, which the detector relies on, means nothing in CJK or Arabic. */
const latin = (name: string) => /^\p{Script=Latin}[\p{Script=Latin}\p{M}'’ -]*$/u.test(name);

const given = new Set<string>();
const surnames = new Set<string>();
const addAll = (target: Set<string>, name: string) => {
  for (const part of name.split(/[\s-]+/)) if (latin(part) && part.length >= 2) target.add(foldName(part));
};

for (const line of read("common-forenames-by-country.csv").split("\n").slice(1)) {
  const cells = line.split(",");
  for (const name of [cells[10], cells[11]]) if (name) addAll(given, name.trim());
}
for (const line of read("common-surnames-by-country.csv").split("\n").slice(1)) {
  const cells = line.split(",");
  for (const name of [cells[4], cells[5]]) if (name) addAll(surnames, name.trim());
}
for (const file of ["census-1990-firstnames-female.txt", "census-1990-firstnames-male.txt"]) {
  for (const line of read(file).split("\n")) {
    const [name, share] = line.trim().split(/\s+/);
    if (name && Number(share) >= MIN_GIVEN_SHARE) addAll(given, name);
  }
}
for (const line of read("census-1990-surnames.txt").split("\n").slice(0, SURNAMES_KEPT)) {
  const [name] = line.trim().split(/\s+/);
  if (name) addAll(surnames, name);
}

// Ordinary-word counts: every treebank token whose part of speech is not a proper noun.
const wordCounts = new Map<string, number>();
for (const file of readdirSync(sources)
  .filter((f) => f.endsWith(".conllu"))
  .sort()) {
  for (const line of read(file).split("\n")) {
    const cols = line.split("\t");
    if (cols.length < 4 || line.startsWith("#")) continue;
    const [, form = "", , upos = ""] = cols;
    if (upos === "PROPN" || upos === "X" || upos === "PUNCT" || upos === "SYM" || upos === "NUM") continue;
    const key = foldName(form);
    wordCounts.set(key, (wordCounts.get(key) ?? 0) + 1);
  }
}
const ambiguous = new Set(HAND_AMBIGUOUS.map(foldName));
for (const name of [...given, ...surnames]) if ((wordCounts.get(name) ?? 0) >= COMMON_WORD_MIN) ambiguous.add(name);

const sorted = (set: Set<string>) => [...set].sort();
const lexicon = {
  version: VERSION,
  sources: [
    "sigpwned/popular-names-by-country-dataset (CC0 1.0)",
    `US Census Bureau 1990 given names (share >= ${MIN_GIVEN_SHARE}%) and top ${SURNAMES_KEPT} surnames (public domain)`,
    `ambiguity: UD English-EWT, German-GSD, French-GSD, Spanish-GSD dev+test non-PROPN tokens (>= ${COMMON_WORD_MIN}), plus a hand list`,
  ],
  given: sorted(given).join(" "),
  surnames: sorted(surnames).join(" "),
  ambiguous: sorted(ambiguous)
    .filter((name) => given.has(name) || surnames.has(name))
    .join(" "),
};
const out = path.join(repoRoot, "src/guardrails/pii/data/name-lexicon.json");
writeFileSync(out, `${JSON.stringify(lexicon, null, 1)}\n`);
console.log(
  `${out}: ${given.size} given names, ${surnames.size} surnames, ${lexicon.ambiguous.split(" ").length} ambiguous`,
);
