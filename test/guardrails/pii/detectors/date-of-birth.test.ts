import { describe, expect, it } from "vitest";
import { detectDateOfBirth } from "../../../../src/guardrails/pii/detectors/date-of-birth";
import { found } from "./spans";

describe("detectDateOfBirth (heuristic)", () => {
  it.each([
    ["I was born on 28/10/1990; what", "28/10/1990"],
    ["DOB 22 March 1965, SSN", "22 March 1965"],
    ["DOB: 1988-07-14", "1988-07-14"],
    ["d.o.b. 1988-07-14", "1988-07-14"],
    ["born December 9, 1906.", "December 9, 1906"],
    ["Her birthday is 3 Feb 1992", "3 Feb 1992"],
    ["date of birth: 04.04.1990", "04.04.1990"],
    ["geboren am 12.03.1990 in Köln", "12.03.1990"],
    ["Ich bin am 12. März 1990 geboren", "12. März 1990"],
    ["Geburtsdatum: 04.04.1990", "04.04.1990"],
    ["Elle est née le 3 mars 1990 à Lyon", "3 mars 1990"],
    ["né le 1er mars 1985", "1er mars 1985"],
    ["Date de naissance : 14/07/1989", "14/07/1989"],
    ["Fecha de nacimiento: 3 de marzo de 1990", "3 de marzo de 1990"],
    ["nacido el 12/05/1970", "12/05/1970"],
    ["nata il 12 marzo 1980", "12 marzo 1980"],
  ])("finds the date after a birth cue in %j", (text, expected) => {
    expect(found(detectDateOfBirth, text)).toEqual([expected]);
  });

  it.each([
    ["Ada Lovelace (10 December 1815, aged 36)", "10 December 1815"],
    ["John, 1990-10-28 (age 34)", "1990-10-28"],
    ["Maria, 03/04/1985, 39 years old", "03/04/1985"],
  ])("finds the date followed by an age in %j", (text, expected) => {
    expect(found(detectDateOfBirth, text)).toEqual([expected]);
  });

  it.each([
    ["Meeting at 10.1.2024 in hall A."],
    ["Order #535 shipped on 2024-03-13"],
    ["The timestamp 1700000210 is in seconds."],
    ["born to run, released 1975-08-25"],
    ["The invoice dated 12 March 2024 is due."],
    ["Le rendez-vous est le 3 mars 2024."],
    ["La reunión es el 3 de marzo de 2024."],
    ["Release 2024-01-01 (age 3 days)"],
  ])("ignores a date without birth context: %j", (text) => {
    expect(found(detectDateOfBirth, text)).toEqual([]);
  });
});
