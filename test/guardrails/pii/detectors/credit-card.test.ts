import { describe, expect, it } from "vitest";
import { detectCreditCard, isCardNumber, luhnValid } from "../../../../src/guardrails/pii/detectors/credit-card";
import { found } from "./spans";

describe("detectCreditCard", () => {
  it.each([
    ["card 4111 1111 1111 1111 exp", "4111 1111 1111 1111"],
    ["5500-0000-0000-0004", "5500-0000-0000-0004"],
    ["amex 378282246310005.", "378282246310005"],
    ["3455 738417 53221", "3455 738417 53221"],
    ["6011 1111 1111 1117 and 2024", "6011 1111 1111 1117"],
    ["mastercard 2-series 2221000000000009", "2221000000000009"],
    ["visa 19 digits 4000 0000 0000 0000 006", "4000 0000 0000 0000 006"],
    ["JCB 3530 1113 3330 0000", "3530 1113 3330 0000"],
    ["JCB 19: 3530111333300000001", "3530111333300000001"],
    ["Diners 3095 000000 0000", "3095 000000 0000"],
    ["Diners 3909-0000-0000-0006", "3909-0000-0000-0006"],
    ["UnionPay 62000000000000000 (17)", "62000000000000000"],
    ["Maestro 12: 5018 0000 0009", "5018 0000 0009"],
    ["Mir 2200 0000 0000 0004", "2200 0000 0000 0004"],
    ["Discover 19: 6011-0000-0000-0000-001", "6011-0000-0000-0000-001"],
  ])("finds the card in %j", (text, expected) => {
    expect(found(detectCreditCard, text)).toEqual([expected]);
  });

  it.each([
    ["Compute 1234 5678 9012 3456 + 1 in python."], // no issuer
    ["4111 1111 1111 1112"], // Luhn fails
    ["4111 1111-1111 1111"], // mixed separators
    ["ISBN 978-3-16-148410-0"],
    ["Epoch 1714567890123 ms"],
    ["Matrix row 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"],
    ["Tracking number 1Z999AA10123456784"],
    ["UUID 0df1e37e-b2a1-8a45-d9e7-fc0839802a57"],
  ])("ignores %j", (text) => {
    expect(found(detectCreditCard, text)).toEqual([]);
  });

  it.each([
    ["4111111111111111", true],
    ["4111111111111112", false],
    ["79927398713", true],
  ])("luhnValid(%s) is %s", (digits, valid) => {
    expect(luhnValid(digits)).toBe(valid);
  });

  it("requires an issuer range and a length that issuer uses", () => {
    expect(isCardNumber("378282246310005")).toBe(true);
    expect(isCardNumber("3782822463100050")).toBe(false); // amex is 15 digits
    expect(isCardNumber("9111111111111111")).toBe(false);
    expect(isCardNumber("555555555559")).toBe(false); // a Luhn-valid 12-digit number with a Mastercard prefix
    expect(isCardNumber("411111111117")).toBe(false); // Visa issues no 12-digit cards
  });

  it("finishes on a 100k-digit run", () => {
    expect(detectCreditCard("4".repeat(100_000))).toEqual([]);
  });
});
