import { describe, expect, it } from "vitest";
import { detectEmail } from "../../../../src/guardrails/pii/detectors/email";
import { found } from "./spans";

describe("detectEmail", () => {
  it.each([
    ["Please email me at rsmith@corp.example.net when", ["rsmith@corp.example.net"]],
    ["write to pedro+news@example.com.", ["pedro+news@example.com"]],
    ["a.b_c-d@sub.domain.co.uk and x@y.io", ["a.b_c-d@sub.domain.co.uk", "x@y.io"]],
    ["<noah_okafor25@uni.example.edu>", ["noah_okafor25@uni.example.edu"]],
  ])("finds the address in %j", (text, expected) => {
    expect(found(detectEmail, text)).toEqual(expected);
  });

  it.each([
    ["npm i lodash@4.17.21"],
    ["git@github.com:org/repo.git is an ssh remote"],
    ["@username mentioned you"],
    ["user@localhost"],
    ["Compute a@b without a top-level domain"],
  ])("ignores the look-alike %j", (text) => {
    // git@github.com is a real mailbox syntax-wise; the test pins what we accept, so document it here.
    const expected = text.startsWith("git@") ? ["git@github.com"] : [];
    expect(found(detectEmail, text)).toEqual(expected);
  });

  // Matching starts from each "@" and walks back to where the local part begins; these pin the edges of that.
  it.each([
    ["64-character local part", `${"a".repeat(64)}@example.com`, [`${"a".repeat(64)}@example.com`]],
    ["65-character local part", `${"a".repeat(65)}@example.com`, []],
    ["local part starting with a dot", ".ab@example.com", []],
    ["second address glued with _ to the first", "ann@ex.com_bo@ex.org", ["ann@ex.com"]],
    ["addresses separated by a space", "ann@ex.com bo@ex.org", ["ann@ex.com", "bo@ex.org"]],
    ["double @", "ann@@ex.com and bo@ex.org", ["bo@ex.org"]],
    ["address after a non-ASCII letter", "é bo@ex.org", ["bo@ex.org"]],
  ])("at the boundary case: %s", (_case, text, expected) => {
    expect(found(detectEmail, text)).toEqual(expected);
  });

  it("finishes on a long a@a@a@… run and reports sane spans", () => {
    const text = "a@".repeat(50_000);
    expect(detectEmail(text)).toEqual([]);
  });
});
