/**
 * Project slugs `{adjective}-{noun}-{3 digits}` (SPEC), e.g. `amber-fox-042`. 48 × 48 × 1000 ≈ 2.3 M names;
 * uniqueness is enforced by the database's unique index, and creation retries on a collision.
 */
const ADJECTIVES = [
  "amber",
  "azure",
  "bold",
  "brave",
  "bright",
  "calm",
  "clever",
  "cosmic",
  "crimson",
  "crisp",
  "dapper",
  "eager",
  "fancy",
  "fierce",
  "gentle",
  "golden",
  "happy",
  "hidden",
  "jolly",
  "keen",
  "lively",
  "lucky",
  "mellow",
  "misty",
  "noble",
  "olive",
  "plucky",
  "proud",
  "quick",
  "quiet",
  "rapid",
  "rosy",
  "rustic",
  "silver",
  "sleek",
  "snowy",
  "solar",
  "steady",
  "sunny",
  "swift",
  "tidy",
  "urban",
  "vivid",
  "warm",
  "wild",
  "wise",
  "young",
  "zesty",
] as const;

const NOUNS = [
  "badger",
  "bear",
  "beaver",
  "bison",
  "cedar",
  "comet",
  "crane",
  "dolphin",
  "eagle",
  "falcon",
  "fern",
  "finch",
  "fox",
  "gecko",
  "harbor",
  "hawk",
  "heron",
  "ibis",
  "koala",
  "lark",
  "lynx",
  "maple",
  "meadow",
  "moose",
  "newt",
  "orca",
  "otter",
  "owl",
  "panda",
  "pine",
  "puffin",
  "quail",
  "raven",
  "reef",
  "river",
  "robin",
  "salmon",
  "sparrow",
  "spruce",
  "stork",
  "tiger",
  "trout",
  "tulip",
  "walrus",
  "whale",
  "willow",
  "wren",
  "yak",
] as const;

export const SLUG_PATTERN = /^[a-z]+-[a-z]+-\d{3}$/;

/** `random` returns uniform integers in [0, n); injectable so tests can force collisions. */
export function generateSlug(random: (n: number) => number = secureRandomInt): string {
  const adjective = ADJECTIVES[random(ADJECTIVES.length)] ?? ADJECTIVES[0];
  const noun = NOUNS[random(NOUNS.length)] ?? NOUNS[0];
  const digits = String(random(1000)).padStart(3, "0");
  return `${adjective}-${noun}-${digits}`;
}

function secureRandomInt(n: number): number {
  // Rejection sampling keeps the draw uniform for n that does not divide 2^32.
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const buffer = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buffer);
    const draw = buffer[0] ?? limit;
    if (draw < limit) return draw % n;
  }
}
