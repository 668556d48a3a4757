import type { PiiSpan } from "../entities";

/**
 * IPv4 dotted quads (each octet 0-255, no leading zeros) that are not part of a longer dotted run such as a
 * version "1.2.3.4.5"; IPv6 in full or `::`-compressed form, validated by counting groups. A `v` or
 * "version" just before a quad marks a version number, not an address.
 */
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?!\\.?\\d|\\w)`, "g");
const IPV6_CANDIDATE =
  /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4}|:)?(?![\w:]|\.\d)/y;
const VERSION_CUE = /(?:version|ver\.?|release|v)\s*$/i;

export function detectIpAddress(text: string): PiiSpan[] {
  const v6: PiiSpan[] = [];
  for (const [start, end] of ipv6Candidates(text)) {
    if (isIpv6(text.slice(start, end))) v6.push({ type: "IP_ADDRESS", start, end });
  }
  const v4: PiiSpan[] = [];
  for (const match of text.matchAll(IPV4)) {
    if (VERSION_CUE.test(text.slice(Math.max(0, match.index - 10), match.index))) continue;
    // The dotted tail of "::ffff:192.0.2.128" is part of an IPv6 address already reported.
    if (v6.some((span) => span.start <= match.index && match.index < span.end)) continue;
    v4.push({ type: "IP_ADDRESS", start: match.index, end: match.index + match[0].length });
  }
  return [...v4, ...v6].sort((a, b) => a.start - b.start);
}

/**
 * What a left-to-right scan with the candidate pattern finds, tried only next to colons: a candidate opens
 * with at most four hex digits and a ":", and by the lookbehind it starts where the hex run before that
 * colon starts, so each colon gives one anchored attempt instead of one per position of the text.
 */
function ipv6Candidates(text: string): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  let scanned = 0;
  for (let colon = text.indexOf(":"); colon >= 0; colon = text.indexOf(":", Math.max(colon + 1, scanned))) {
    let start = colon;
    while (start > 0 && colon - start <= 4 && isHexChar(text.charCodeAt(start - 1))) start--;
    if (start < scanned || colon - start > 4) continue;
    IPV6_CANDIDATE.lastIndex = start;
    if (IPV6_CANDIDATE.test(text)) {
      found.push([start, IPV6_CANDIDATE.lastIndex]);
      scanned = IPV6_CANDIDATE.lastIndex;
    }
  }
  return found;
}

function isHexChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/**
 * Eight groups, or fewer with exactly one `::`. Compressed forms need at least three written groups so that
 * C++ scopes (`std::vector`) and clock times never qualify; `::1` and friends are not personal data anyway.
 */
export function isIpv6(candidate: string): boolean {
  const halves = candidate.split("::");
  if (halves.length > 2) return false;
  let tail = candidate;
  let groupsNeeded = 8;
  const lastColon = candidate.lastIndexOf(":");
  if (candidate.slice(lastColon + 1).includes(".")) {
    const v4 = candidate.slice(lastColon + 1).split(".");
    if (v4.length !== 4 || v4.some((octet) => !/^\d{1,3}$/.test(octet) || Number(octet) > 255)) return false;
    tail = candidate.slice(0, lastColon + 1) + "0:0";
    groupsNeeded = 8;
  }
  const groups = tail.split("::").flatMap((half) => (half === "" ? [] : half.split(":")));
  if (groups.some((group) => !/^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  if (halves.length === 1) return groups.length === groupsNeeded;
  return groups.length >= 3 && groups.length < groupsNeeded;
}
