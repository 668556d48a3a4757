/**
 * Injection pattern families. Each pattern runs on normalised text (lower case, disguises removed, see
 * normalise.ts) and carries a weight: strong, unambiguous phrasings weigh 1.0 and flag on their own; weaker
 * cues (role-play framing, "developer mode", "system prompt") weigh less and flag only in combination, since
 * benign prompts use those words too ("Developer mode in Chrome", "What is a system prompt?").
 * All quantifiers are bounded, so each pattern costs a constant amount of work per start position.
 */
export const FAMILIES = [
  "instruction_override",
  "role_hijack",
  "prompt_exfiltration",
  "delimiter_injection",
  "tool_abuse",
  "payload_smuggling",
] as const;

/** `learned_model`: the hashed n-gram classifier (model.ts) flagged the text without a named pattern. */
export type Family = (typeof FAMILIES)[number] | "blocklist" | "learned_model";

export interface InjectionPattern {
  family: Family;
  /** Stable id used in logs and tests; never the matched text. */
  id: string;
  weight: number;
  pattern: RegExp;
  /**
   * Literals the pattern cannot match without (any one suffices; `\\b` marks a word boundary). The
   * regex runs only when a cue occurs, so each list must be complete: a missing alternative would
   * silently turn the pattern off. Prefer the rarest required part of the pattern.
   */
  cues: readonly string[];
}

const W = "[a-z'’]{1,20}"; // one word

const ATTENTION_WORDS = [
  "ignore",
  "disregard",
  "forget",
  "skip",
  "bypass",
  "override",
  "overrule",
  "discard",
  "abandon",
  "drop",
  "neglect",
  "set aside",
  "stop following",
];
const ATTENTION = `(?:${ATTENTION_WORDS.join("|")})`;
const ATTENTION_CUES = ATTENTION_WORDS.map((word) => `\\b${word} `);
const PRIOR =
  "(?:previous|prior|above|earlier|preceding|former|foregoing|initial|original|old|existing|system|all|any|your|these|those|the)";
const DIRECTIVES =
  "(?:instructions?|directions?|directives?|prompts?|rules|guidelines|guidance|programming|commands?|orders|tasks?|training|constraints|restrictions|polic(?:y|ies)|safety|filters?|guardrails|context|ones)";
/**
 * "Please disregard the instructions in my previous email", "ignore the steps I sent yesterday": the
 * writer withdrawing their own earlier message is ordinary correspondence, not an override. Only the
 * writer's own (my/our, "I sent") counts: "the instructions in the user's message" stays suspicious.
 */
const OWN_MESSAGE =
  "(?:e-?mails?|mails?|messages?|letters?|notes?|memos?|replies|reply|texts?|posts?|comments?|tickets?|drafts?|documents?|files?|attachments?)";
const NOT_OWN_MESSAGE = `(?! (?:(?:in|from|of) (?:my|our) (?:${W} ){0,2}${OWN_MESSAGE}\\b|i (?:sent|gave|wrote|posted|shared|typed|listed|mentioned)\\b))`;
const REVEAL_WORDS = [
  "repeat",
  "print",
  "output",
  "reveal",
  "show",
  "display",
  "dump",
  "recite",
  "recites",
  "leak",
  "expose",
  "disclose",
  "spell out",
  "write out",
  "tell me",
  "give me",
  "share",
  "paste",
  "list",
];
const REVEAL = `(?:${REVEAL_WORDS.join("|")})`;
const ROLE_TAG_NAMES = [
  "system",
  "assistant",
  "user",
  "developer",
  "sys",
  "instructions",
  "instruction",
  "inst",
  "im_start",
  "im_end",
];
const SECRET_OBJECT =
  "(?:system prompt|system message|initial prompt|hidden prompt|prompt|instructions|rules|configuration|config|guidelines|programming|context window|directives)";

export const PATTERNS: readonly InjectionPattern[] = [
  // Instruction override: "ignore all previous instructions" and its many rewordings.
  p(
    "instruction_override",
    "ignore-directives",
    1.0,
    `\\b${ATTENTION} (?:${PRIOR} ){0,3}(?:${W} )?${DIRECTIVES}\\b${NOT_OWN_MESSAGE}`,
    ATTENTION_CUES,
  ),
  p(
    "instruction_override",
    "ignore-the-above",
    1.0,
    `\\b${ATTENTION} (?:all |everything )?(?:of )?(?:the |what(?:'s| is| was) )?(?:above|before|previous|prior|preceding|earlier)(?: and|[.,;:!]|$)`,
    ATTENTION_CUES,
  ),
  p(
    "instruction_override",
    "forget-everything",
    0.9,
    `\\b(?:forget|ignore|disregard) (?:everything|all|anything) (?:you(?:'ve| have| were| was)? ?(?:been )?(?:told|taught|instructed|said)|above|before|so far|previously)`,
    cross(["forget ", "ignore ", "disregard "], ["everything", "all", "anything"]),
  ),
  p(
    "instruction_override",
    "rules-void",
    1.0,
    `\\b(?:previous|prior|earlier|old|all|your|original) (?:${W} )?(?:rules|instructions|programming|guidelines|tasks|directives|restrictions) (?:(?:are|is|have|has|were) )?(?:been |now )?(?:void|null|erased|deleted|cancel+ed|revoked|obsolete|overridden|lifted|removed|disabled|no longer)`,
    words("rules instructions programming guidelines tasks directives restrictions").map((w) => `${w} `),
  ),
  p(
    "instruction_override",
    "supersedes",
    1.0,
    `\\b(?:supersedes?|overrides?|replaces?|overwrites?|takes? precedence over) (?:all |any )?(?:the )?(?:previous|prior|earlier|other|existing|original) (?:${W} )?(?:${DIRECTIVES}|ones)\\b`,
    ["supersede", "override", "replace", "overwrite", "precedence over"],
  ),
  p(
    "instruction_override",
    "new-directive",
    0.5,
    `\\b(?:new|updated|real|actual|true) (?:rule|instructions?|polic(?:y|ies)|directive|task|orders?|system prompt)s? ?:`,
    cross(
      ["\\bnew ", "\\bupdated ", "\\breal ", "\\bactual ", "\\btrue "],
      ["rule", "instruction", "polic", "directive", "task", "order", "system prompt"],
    ),
  ),
  p(
    "instruction_override",
    "obey-me",
    0.9,
    `\\b(?:obey|listen to|follow) (?:only )?(?:me|my (?:commands|orders|instructions) only)\\b|\\byou (?:must|will) now (?:obey|follow|do whatever)`,
    ["\\bobey ", "listen to ", "\\bfollow ", "you must now ", "you will now "],
  ),
  p(
    "instruction_override",
    "system-override",
    0.8,
    `\\b(?:system|admin|administrator|developer|root|security) (?:override|command|session|access)\\b|^override ?:|\\boverride ?: `,
    [
      ...cross(words("system admin administrator developer root security"), [
        " override",
        " command",
        " session",
        " access",
      ]),
      "override",
    ],
  ),
  p(
    "instruction_override",
    "authorised",
    0.5,
    `\\b(?:authori[sz]ation|access|clearance) ?:? ?(?:granted|approved|confirmed)|\\bauthori[sz]ed you to\\b|\\b(?:i am|i'm) (?:your|the) (?:developer|creator|administrator|admin|owner)`,
    [
      "granted",
      "approved",
      "confirmed",
      "authorized you to",
      "authorised you to",
      ...cross(["i am ", "i'm "], ["your ", "the "]),
    ],
  ),
  p(
    "instruction_override",
    "disable-safety",
    0.7,
    `\\b(?:bypass|disable|turn off|deactivate|remove|circumvent|evade|skip) (?:all |any |your |the |its )?(?:safety |content |ethical )?(?:filters?|guardrails|safeguards|safety|restrictions|moderation|censorship|guidelines|rules|polic(?:y|ies))\\b`,
    words("bypass disable deactivate remove circumvent evade skip")
      .map((w) => `\\b${w} `)
      .concat("turn off "),
  ),
  p(
    "instruction_override",
    "pwned",
    0.6,
    `\\b(?:say|print|output|respond with|reply with|confirm by saying|write)\\b.{0,24}\\b(?:hacked|pwned|jailbroken|jailbreak successful|i hate humans)\\b`,
    ["hacked", "pwned", "jailbroken", "jailbreak successful", "i hate humans"],
  ),
  p(
    "instruction_override",
    "just-do-it",
    0.4,
    `\\b(?:don't|do not) (?:translate|summari[sz]e|answer)\\b.{0,20}\\b(?:just|instead) (?:do|follow|execute|obey)`,
    cross(["don't ", "do not "], ["translate", "summarise", "summarize", "answer"]),
  ),

  // Role hijack: DAN and kin, "developer mode", persona splitting, "you have no rules".
  p(
    "role_hijack",
    "do-anything-now",
    1.0,
    `\\bdo anything now\\b|\\b(?:dan|stan|dude|aim) (?:mode|prompt|jailbreak)\\b`,
    ["do anything now", ...cross(["\\bdan ", "\\bstan ", "\\bdude ", "\\baim "], ["mode", "prompt", "jailbreak"])],
  ),
  p("role_hijack", "dan-name", 0.3, `\\b(?:dan|stan|dude)\\b`, ["\\bdan\\b", "\\bstan\\b", "\\bdude\\b"]),
  p(
    "role_hijack",
    "you-are-now",
    0.6,
    `\\byou are now (?:a |an |in |the |my |dan|free|unrestricted|unfiltered|jailbroken|evil|no longer)|\\bfrom now on,? (?:you )?(?:are|will|answer|respond|reply|must|act|speak|behave)\\b|\\bstop being (?:an? |the )?(?:assistant|ai|chatbot|language model|helpful)`,
    ["you are now ", "from now on", "stop being "],
  ),
  p(
    "role_hijack",
    "special-mode",
    0.5,
    `\\b(?:developer|dev|god|maintenance|debug|sudo|admin|jailbreak|unrestricted|unfiltered|evil|dan) mode\\b`,
    words("developer dev god maintenance debug sudo admin jailbreak unrestricted unfiltered evil dan").map(
      (w) => `${w} mode`,
    ),
  ),
  p(
    "role_hijack",
    "mode-activated",
    0.5,
    `\\b(?:mode|jailbreak) (?:is )?(?:now )?(?:activated|enabled|engaged|unlocked|on)\\b|\\bjailbreak (?:successful|activated|prompt)\\b|\\benable (?:developer|dev|god|jailbreak|dan) mode\\b`,
    ["mode ", "jailbreak ", "enable "],
  ),
  p(
    "role_hijack",
    "no-restrictions",
    0.7,
    `\\b(?:without|no|free of|free from|free from any|not bound by|ignoring|unbound by) (?:any |all |your |the |its |ethical |moral |content |safety |such ){0,4}(?:restrictions|rules|filters?|guidelines|limits|limitations|censorship|guardrails|content polic(?:y|ies)|polic(?:y|ies)|boundaries|ethics|morals|refusals?|disclaimers)\\b`,
    words(
      "restrictions rules filter guidelines limits limitations censorship guardrails polic boundaries ethics morals refusal disclaimers",
    ),
  ),
  p(
    "role_hijack",
    "unfiltered-persona",
    0.6,
    `\\b(?:unfiltered|uncensored|jailbroken|unrestricted|amoral|unaligned|unethical) (?:ai|assistant|model|version|one|persona|mode|chatbot|response|answer)s?\\b|\\btwo (?:personas|personalities|responses)\\b|\\bevil (?:twin|confidant|ai)\\b`,
    [
      ...words("unfiltered uncensored jailbroken unrestricted amoral unaligned unethical").map((w) => `${w} `),
      "two personas",
      "two personalities",
      "two responses",
      "evil twin",
      "evil confidant",
      "evil ai",
    ],
  ),
  p(
    "role_hijack",
    "framing",
    0.4,
    `\\b(?:pretend|imagine|hypothetically|simulate|let's play a game|role ?play|act as|play the role|in a fictional world|write a story where)\\b`,
    [
      "pretend",
      "imagine",
      "hypothetically",
      "simulate",
      "let's play a game",
      "role play",
      "roleplay",
      "act as",
      "play the role",
      "in a fictional world",
      "write a story where",
    ],
  ),
  p(
    "role_hijack",
    "grandma-exploit",
    0.6,
    `\\b(?:deceased|dead|late) (?:grandmother|grandma|grandfather|grandpa|mother|father)\\b`,
    cross(["deceased ", "dead ", "late "], words("grandmother grandma grandfather grandpa mother father")),
  ),
  p(
    "role_hijack",
    "harmful-goal",
    0.4,
    `\\b(?:activation|license|licence|product|serial|windows) keys?\\b|\\bhow to (?:make|build) (?:a )?(?:weapon|bomb|explosive|meth)|\\bhotwire\\b|\\bphishing\\b`,
    [
      ...cross(words("activation license licence product serial windows"), [" key"]),
      "how to make ",
      "how to build ",
      "hotwire",
      "phishing",
    ],
  ),
  p(
    "role_hijack",
    "allowed-anything",
    0.6,
    `\\byou (?:are|'re) (?:now )?(?:allowed|free|permitted|able) to (?:say|share|do|reveal|answer|write|tell) (?:me )?(?:anything|everything|whatever)`,
    ["allowed to ", "free to ", "permitted to ", "able to "],
  ),
  p(
    "role_hijack",
    "no-refusal",
    0.5,
    `\\b(?:no|without) refusals?\\b|\\bnever refuse\\b|\\bmust answer everything\\b`,
    ["refusal", "never refuse", "must answer everything"],
  ),

  // System prompt exfiltration.
  p(
    "prompt_exfiltration",
    "repeat-above",
    1.0,
    `\\b${REVEAL} (?:me )?(?:all |back )?(?:of )?(?:the )?(?:text|everything|words|content|contents|messages?) (?:above|before|so far|preceding)\\b|\\b(?:starting|beginning) with ["'“]?you are\\b`,
    [" above", " before", " so far", " preceding", "you are"],
  ),
  p(
    "prompt_exfiltration",
    "secret-object",
    0.5,
    `\\b(?:your|the assistant'?s?|the ai'?s?|its|my (?:confidential|secret|hidden|system|internal|original|initial)) (?:${W} ){0,2}${SECRET_OBJECT}\\b`,
    words("prompt instructions rules config guidelines programming directives").concat(
      "context window",
      "system message",
    ),
  ),
  p("prompt_exfiltration", "reveal-verb", 0.4, `\\b(?:${REVEAL}|what (?:is|are|were|was|would)|output them)\\b`, [
    ...REVEAL_WORDS.map((w) => `\\b${w}`),
    "what is",
    "what are",
    "what were",
    "what was",
    "what would",
    "output them",
  ]),
  p(
    "prompt_exfiltration",
    "verbatim",
    0.3,
    `\\b(?:verbatim|word for word|in full|raw text|exactly as written|including (?:the )?system message)\\b`,
    ["verbatim", "word for word", "in full", "raw text", "exactly as written", "system message"],
  ),
  p(
    "prompt_exfiltration",
    "system-prompt",
    0.3,
    `\\bsystem (?:prompt|message)\\b|\\bconfidential (?:data|instructions|information)\\b|\\bcontext window\\b`,
    [
      "system prompt",
      "system message",
      "confidential data",
      "confidential instructions",
      "confidential information",
      "context window",
    ],
  ),
  p("prompt_exfiltration", "sure-here", 0.4, `^sure[!,.]? here (?:are|is)\\b`, ["sure"]),

  // Fake role and delimiter tags: a user message pretending to close or open another role's turn.
  p(
    "delimiter_injection",
    "role-tag",
    0.6,
    `<\\/?(?:${ROLE_TAG_NAMES.join("|")})>|<\\|(?:im_start|im_end|system|assistant|endoftext|eot_id|start_header_id)\\|>|\\[\\/?inst\\]|<<\\/?sys>>`,
    [
      ...ROLE_TAG_NAMES.flatMap((name) => [`<${name}>`, `</${name}>`]),
      "<|",
      "[inst]",
      "[/inst]",
      "<<sys>>",
      "<</sys>>",
    ],
  ),
  p(
    "delimiter_injection",
    "markdown-role",
    0.6,
    `(?:^|\\n)#{1,6} ?(?:system|assistant|instruction|instructions|response|user|human) ?:`,
    cross(["#", "# "], words("system assistant instruction response user human")),
  ),
  p(
    "delimiter_injection",
    "line-role",
    0.6,
    `(?:^|\\n)(?:system|assistant|ai|developer) ?: ?\\S`,
    cross(words("system assistant ai developer"), [":", " :"]),
  ),
  p(
    "delimiter_injection",
    "begin-session",
    0.5,
    `\\b(?:begin|end|start) (?:admin|system|developer|root|debug) (?:session|mode|prompt|message)\\b`,
    cross(["begin ", "end ", "start "], words("admin system developer root debug")),
  ),

  // Tool and function abuse: steering tool calls or data to places the user should not reach.
  p(
    "tool_abuse",
    "destructive-tool",
    0.7,
    `\\b(?:call|invoke|run|execute|trigger|use) (?:the )?[a-z0-9_.-]{0,30}(?:delete|drop|remove|wipe|destroy|transfer|refund|exec|shell|admin|sudo|send|email|forward|upload|pay)[a-z0-9_.-]{0,30} (?:tool|function|command|api|endpoint|action)\\b`,
    [" tool", " function", " command", " api", " endpoint", " action"],
  ),
  p(
    "tool_abuse",
    "claimed-privilege",
    0.5,
    `\\b(?:has|have|with|granted?) (?:full )?(?:admin|administrator|root|elevated|superuser|sudo) (?:rights|access|privileges|permissions)\\b|\\btrust me\\b`,
    [" rights", " access", " privileges", " permissions", "trust me"],
  ),
  p(
    "tool_abuse",
    "shell-payload",
    0.6,
    `\\/etc\\/(?:passwd|shadow)\\b|\\brm -rf\\b|\\bcurl [^ ]{1,200} ?\\| ?(?:ba)?sh\\b|\\bmust execute\\b`,
    ["/etc/passwd", "/etc/shadow", "rm -rf", "curl ", "must execute"],
  ),
  p(
    "tool_abuse",
    "exfiltrate",
    1.0,
    `\\bexfiltrat\\w{0,6}\\b|\\b(?:append|send|post|forward|upload|leak|include|embed|attach)\\b.{0,60}\\b(?:conversation|chat history|history|user'?s? (?:data|email|messages|conversation)|api keys?|password|credentials|cookies)\\b.{0,40}(?:\\b(?:url|https?:|endpoint|webhook|server|address)|[a-z0-9._-]@[a-z0-9-]{1,60}\\.)`,
    ["exfiltrat", "conversation", "history", "user", "api key", "password", "credentials", "cookies"],
  ),
  p("tool_abuse", "markdown-beacon", 0.6, `!\\[[^\\]]{0,100}\\]\\(https?:[^ )]{1,200}[?&][a-z0-9_]{1,20}=`, ["!["]),

  // Payload smuggling: asking the model to decode and then act.
  p(
    "payload_smuggling",
    "decode-and-follow",
    0.7,
    `\\b(?:decode|decrypt|deobfuscate|translate|convert|reverse|unscramble)\\b.{0,40}\\b(?:and|then) (?:follow|execute|obey|do|run|perform|carry out|act on)\\b`,
    words("decode decrypt deobfuscate translate convert reverse unscramble"),
  ),
];

function p(family: Family, id: string, weight: number, source: string, cues: readonly string[]): InjectionPattern {
  return { family, id, weight, pattern: new RegExp(source, "m"), cues };
}

function words(list: string): string[] {
  return list.split(" ");
}

/** Every concatenation of a left part with a right part: the cues of `(?:a|b) (?:c|d)`. */
function cross(left: readonly string[], right: readonly string[]): string[] {
  return left.flatMap((head) => right.map((tail) => head + tail));
}
