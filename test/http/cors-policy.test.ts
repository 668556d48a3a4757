import { describe, expect, it } from "vitest";
import { originAllowed } from "../../src/http/cors-policy";

const allowed = ["https://app.example.com", "https://*.example.org", "http://localhost:5173"];

describe("originAllowed", () => {
  it.each([
    ["https://app.example.com", true],
    ["https://APP.example.com", true],
    ["https://a.example.org", true],
    ["https://deep.a.example.org", true],
    ["http://localhost:5173", true],
    // refused
    ["https://example.org", false], // the apex is not a subdomain
    ["https://evil.com", false],
    ["https://app.example.com.evil.com", false],
    ["https://evilexample.org", false],
    ["http://a.example.org", false], // scheme must match
    ["https://app.example.com:8443", false], // port must match
    ["http://localhost:5174", false],
    ["null", false],
    ["", false],
    ["https://app.example.com/path", false],
    ["javascript:alert(1)", false],
  ])("%s → %s", (origin, expected) => {
    expect(originAllowed(origin, allowed)).toBe(expected);
  });

  it("allows nothing when the project lists nothing (the default)", () => {
    expect(originAllowed("https://app.example.com", [])).toBe(false);
  });
});
