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

export type Family = (typeof FAMILIES)[number] | "blocklist";

export interface InjectionPattern {
  family: Family;
  /** Stable id used in logs and tests; never the matched text. */
  id: string;
  weight: number;
  pattern: RegExp;
}

const W = "[a-z'’]{1,20}"; // one word
const FILLER = `(?:${W} ){0,3}`; // up to three words between two parts of a phrase

const ATTENTION = "(?:ignore|disregard|forget|skip|bypass|override|overrule|discard|abandon|drop|neglect|set aside|stop following)";
const PRIOR = "(?:previous|prior|above|earlier|preceding|former|foregoing|initial|original|old|existing|system|all|any|your|these|those|the)";
const DIRECTIVES =
  "(?:instructions?|directions?|directives?|prompts?|rules|guidelines|guidance|programming|commands?|orders|tasks?|training|constraints|restrictions|polic(?:y|ies)|safety|filters?|guardrails|context|ones)";
const REVEAL = "(?:repeat|print|output|reveal|show|display|dump|recite|recites|leak|expose|disclose|spell out|write out|tell me|give me|share|paste|list)";
const SECRET_OBJECT =
  "(?:system prompt|system message|initial prompt|hidden prompt|prompt|instructions|rules|configuration|config|guidelines|programming|context window|directives)";

export const PATTERNS: readonly InjectionPattern[] = [
  // Instruction override: "ignore all previous instructions" and its many rewordings.
  p("instruction_override", "ignore-directives", 1.0, `\\b${ATTENTION} (?:${PRIOR} ){0,3}(?:${W} )?${DIRECTIVES}\\b`),
  p("instruction_override", "ignore-the-above", 1.0, `\\b${ATTENTION} (?:all |everything )?(?:of )?(?:the |what(?:'s| is| was) )?(?:above|before|previous|prior|preceding|earlier)(?: and|[.,;:!]|$)`),
  p("instruction_override", "forget-everything", 0.9, `\\b(?:forget|ignore|disregard) (?:everything|all|anything) (?:you(?:'ve| have| were| was)? ?(?:been )?(?:told|taught|instructed|said)|above|before|so far|previously)`),
  p("instruction_override", "rules-void", 1.0, `\\b(?:previous|prior|earlier|old|all|your|original) (?:${W} )?(?:rules|instructions|programming|guidelines|tasks|directives|restrictions) (?:(?:are|is|have|has|were) )?(?:been |now )?(?:void|null|erased|deleted|cancel+ed|revoked|obsolete|overridden|lifted|removed|disabled|no longer)`),
  p("instruction_override", "supersedes", 1.0, `\\b(?:supersedes?|overrides?|replaces?|overwrites?|takes? precedence over) (?:all |any )?(?:the )?(?:previous|prior|earlier|other|existing|original) (?:${W} )?(?:${DIRECTIVES}|ones)\\b`),
  p("instruction_override", "new-directive", 0.5, `\\b(?:new|updated|real|actual|true) (?:rule|instructions?|polic(?:y|ies)|directive|task|orders?|system prompt)s? ?:`),
  p("instruction_override", "obey-me", 0.9, `\\b(?:obey|listen to|follow) (?:only )?(?:me|my (?:commands|orders|instructions) only)\\b|\\byou (?:must|will) now (?:obey|follow|do whatever)`),
  p("instruction_override", "system-override", 0.8, `\\b(?:system|admin|administrator|developer|root|security) (?:override|command|session|access)\\b|^override ?:|\\boverride ?: `),
  p("instruction_override", "authorised", 0.5, `\\b(?:authori[sz]ation|access|clearance) ?:? ?(?:granted|approved|confirmed)|\\bauthori[sz]ed you to\\b|\\b(?:i am|i'm) (?:your|the) (?:developer|creator|administrator|admin|owner)`),
  p("instruction_override", "disable-safety", 0.7, `\\b(?:bypass|disable|turn off|deactivate|remove|circumvent|evade|skip) (?:all |any |your |the |its )?(?:safety |content |ethical )?(?:filters?|guardrails|safeguards|safety|restrictions|moderation|censorship|guidelines|rules|polic(?:y|ies))\\b`),
  p("instruction_override", "pwned", 0.6, `\\b(?:say|print|output|respond with|reply with|confirm by saying|write)\\b.{0,24}\\b(?:hacked|pwned|jailbroken|jailbreak successful|i hate humans)\\b`),
  p("instruction_override", "just-do-it", 0.4, `\\b(?:don't|do not) (?:translate|summari[sz]e|answer)\\b.{0,20}\\b(?:just|instead) (?:do|follow|execute|obey)`),

  // Role hijack: DAN and kin, "developer mode", persona splitting, "you have no rules".
  p("role_hijack", "do-anything-now", 1.0, `\\bdo anything now\\b|\\b(?:dan|stan|dude|aim) (?:mode|prompt|jailbreak)\\b`),
  p("role_hijack", "dan-name", 0.3, `\\b(?:dan|stan|dude)\\b`),
  p("role_hijack", "you-are-now", 0.6, `\\byou are now (?:a |an |in |the |my |dan|free|unrestricted|unfiltered|jailbroken|evil|no longer)|\\bfrom now on,? (?:you )?(?:are|will|answer|respond|reply|must|act|speak|behave)\\b|\\bstop being (?:an? |the )?(?:assistant|ai|chatbot|language model|helpful)`),
  p("role_hijack", "special-mode", 0.5, `\\b(?:developer|dev|god|maintenance|debug|sudo|admin|jailbreak|unrestricted|unfiltered|evil|dan) mode\\b`),
  p("role_hijack", "mode-activated", 0.5, `\\b(?:mode|jailbreak) (?:is )?(?:now )?(?:activated|enabled|engaged|unlocked|on)\\b|\\bjailbreak (?:successful|activated|prompt)\\b|\\benable (?:developer|dev|god|jailbreak|dan) mode\\b`),
  p("role_hijack", "no-restrictions", 0.7, `\\b(?:without|no|free of|free from|free from any|not bound by|ignoring|unbound by) (?:any |all |your |the |its |ethical |moral |content |safety |such ){0,4}(?:restrictions|rules|filters?|guidelines|limits|limitations|censorship|guardrails|content polic(?:y|ies)|polic(?:y|ies)|boundaries|ethics|morals|refusals?|disclaimers)\\b`),
  p("role_hijack", "unfiltered-persona", 0.6, `\\b(?:unfiltered|uncensored|jailbroken|unrestricted|amoral|unaligned|unethical) (?:ai|assistant|model|version|one|persona|mode|chatbot|response|answer)s?\\b|\\btwo (?:personas|personalities|responses)\\b|\\bevil (?:twin|confidant|ai)\\b`),
  p("role_hijack", "framing", 0.4, `\\b(?:pretend|imagine|hypothetically|simulate|let's play a game|role ?play|act as|play the role|in a fictional world|write a story where)\\b`),
  p("role_hijack", "grandma-exploit", 0.6, `\\b(?:deceased|dead|late) (?:grandmother|grandma|grandfather|grandpa|mother|father)\\b`),
  p("role_hijack", "harmful-goal", 0.4, `\\b(?:activation|license|licence|product|serial|windows) keys?\\b|\\bhow to (?:make|build) (?:a )?(?:weapon|bomb|explosive|meth)|\\bhotwire\\b|\\bphishing\\b`),
  p("role_hijack", "allowed-anything", 0.6, `\\byou (?:are|'re) (?:now )?(?:allowed|free|permitted|able) to (?:say|share|do|reveal|answer|write|tell) (?:me )?(?:anything|everything|whatever)`),
  p("role_hijack", "no-refusal", 0.5, `\\b(?:no|without) refusals?\\b|\\bnever refuse\\b|\\bmust answer everything\\b`),

  // System prompt exfiltration.
  p("prompt_exfiltration", "repeat-above", 1.0, `\\b${REVEAL} (?:me )?(?:all |back )?(?:of )?(?:the )?(?:text|everything|words|content|contents|messages?) (?:above|before|so far|preceding)\\b|\\b(?:starting|beginning) with ["'“]?you are\\b`),
  p("prompt_exfiltration", "secret-object", 0.5, `\\b(?:your|the assistant'?s?|the ai'?s?|its|my (?:confidential|secret|hidden|system|internal|original|initial)) (?:${W} ){0,2}${SECRET_OBJECT}\\b`),
  p("prompt_exfiltration", "reveal-verb", 0.4, `\\b(?:${REVEAL}|what (?:is|are|were|was|would)|output them)\\b`),
  p("prompt_exfiltration", "verbatim", 0.3, `\\b(?:verbatim|word for word|in full|raw text|exactly as written|including (?:the )?system message)\\b`),
  p("prompt_exfiltration", "system-prompt", 0.3, `\\bsystem (?:prompt|message)\\b|\\bconfidential (?:data|instructions|information)\\b|\\bcontext window\\b`),
  p("prompt_exfiltration", "sure-here", 0.4, `^sure[!,.]? here (?:are|is)\\b`),

  // Fake role and delimiter tags: a user message pretending to close or open another role's turn.
  p("delimiter_injection", "role-tag", 0.6, `<\\/?(?:system|assistant|user|developer|sys|instructions?|inst|im_start|im_end)>|<\\|(?:im_start|im_end|system|assistant|endoftext|eot_id|start_header_id)\\|>|\\[\\/?inst\\]|<<\\/?sys>>`),
  p("delimiter_injection", "markdown-role", 0.6, `(?:^|\\n)#{1,6} ?(?:system|assistant|instruction|instructions|response|user|human) ?:`),
  p("delimiter_injection", "line-role", 0.6, `(?:^|\\n)(?:system|assistant|ai|developer) ?: ?\\S`),
  p("delimiter_injection", "begin-session", 0.5, `\\b(?:begin|end|start) (?:admin|system|developer|root|debug) (?:session|mode|prompt|message)\\b`),

  // Tool and function abuse: steering tool calls or data to places the user should not reach.
  p("tool_abuse", "destructive-tool", 0.7, `\\b(?:call|invoke|run|execute|trigger|use) (?:the )?[a-z0-9_.-]{0,30}(?:delete|drop|remove|wipe|destroy|transfer|refund|exec|shell|admin|sudo|send|email|forward|upload|pay)[a-z0-9_.-]{0,30} (?:tool|function|command|api|endpoint|action)\\b`),
  p("tool_abuse", "claimed-privilege", 0.5, `\\b(?:has|have|with|granted?) (?:full )?(?:admin|administrator|root|elevated|superuser|sudo) (?:rights|access|privileges|permissions)\\b|\\btrust me\\b`),
  p("tool_abuse", "shell-payload", 0.6, `\\/etc\\/(?:passwd|shadow)\\b|\\brm -rf\\b|\\bcurl [^ ]{1,200} ?\\| ?(?:ba)?sh\\b|\\bmust execute\\b`),
  p("tool_abuse", "exfiltrate", 1.0, `\\bexfiltrat\\w{0,6}\\b|\\b(?:append|send|post|forward|upload|leak|include|embed|attach)\\b.{0,60}\\b(?:conversation|chat history|history|user'?s? (?:data|email|messages|conversation)|api keys?|password|credentials|cookies)\\b.{0,40}(?:\\b(?:url|https?:|endpoint|webhook|server|address)|[a-z0-9._-]@[a-z0-9-]{1,60}\\.)`),
  p("tool_abuse", "markdown-beacon", 0.6, `!\\[[^\\]]{0,100}\\]\\(https?:[^ )]{1,200}[?&][a-z0-9_]{1,20}=`),

  // Payload smuggling: asking the model to decode and then act.
  p("payload_smuggling", "decode-and-follow", 0.7, `\\b(?:decode|decrypt|deobfuscate|translate|convert|reverse|unscramble)\\b.{0,40}\\b(?:and|then) (?:follow|execute|obey|do|run|perform|carry out|act on)\\b`),
];

function p(family: Family, id: string, weight: number, source: string): InjectionPattern {
  return { family, id, weight, pattern: new RegExp(source, "m") };
}
