import { describe, expect, it } from "vitest";
import { detectIpAddress, isIpv6 } from "../../../../src/guardrails/pii/detectors/ip-address";
import { found } from "./spans";

describe("detectIpAddress", () => {
  it.each([
    ["server at 105.244.40.29 keeps", ["105.244.40.29"]],
    ["8.8.8.8.", ["8.8.8.8"]],
    ["from 3b99:14c6:a09d:d844:b148:81c9:1c80:dea7 today", ["3b99:14c6:a09d:d844:b148:81c9:1c80:dea7"]],
    ["2001:db8::8a2e:370:7334 and fe80::1:2:3", ["2001:db8::8a2e:370:7334", "fe80::1:2:3"]],
    ["::ffff:192.0.2.128 mapped", ["::ffff:192.0.2.128"]],
    ["2001:db8:1:2:3:4:192.0.2.1", ["2001:db8:1:2:3:4:192.0.2.1"]],
    ["(1:2:3:4:5:6:7:8) in brackets", ["1:2:3:4:5:6:7:8"]],
    ["fe80::1:2:3, fe80::4:5:6", ["fe80::1:2:3", "fe80::4:5:6"]],
  ])("finds addresses in %j", (text, expected) => {
    expect(found(detectIpAddress, text)).toEqual(expected);
  });

  it.each([
    ["Upgrade from version 14.131.3 to 14.131.4"],
    ["Version string: v11.338.0-rc.1+build.338"],
    ["version 1.2.3.4 is out"],
    ["256.1.1.1 is out of range"],
    ["1.2.3.4.5 is a longer dotted run"],
    ["Meeting at 10.11.2024 in hall A."],
    ["std::vector and std::map"],
    ["at 10:30:00 sharp"],
    ["MAC 00:1A:2B:3C:4D:5E"],
    ["hash deadbeef01:2:3:4:5:6:7:8 is not an address"],
    ["x1:2:3:4:5:6:7:8 starts inside a word"],
    ["The ratio was 3.14159 and the p-value 0.0139."],
  ])("ignores %j", (text) => {
    expect(found(detectIpAddress, text)).toEqual([]);
  });

  it("validates IPv6 group counts", () => {
    expect(isIpv6("1:2:3:4:5:6:7:8")).toBe(true);
    expect(isIpv6("1:2:3:4:5:6:7")).toBe(false);
    expect(isIpv6("1::2::3")).toBe(false);
  });

  it("finishes on long colon and dot runs", () => {
    expect(detectIpAddress("a:".repeat(40_000) + "1.".repeat(40_000))).toEqual([]);
  });
});
