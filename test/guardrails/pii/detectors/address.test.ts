import { describe, expect, it } from "vitest";
import { detectAddress } from "../../../../src/guardrails/pii/detectors/address";
import { found } from "./spans";

describe("detectAddress (heuristic)", () => {
  it.each([
    ["Ship it to 6051 Oak Street, Portland, OR 97201.", ["6051 Oak Street, Portland, OR 97201"]],
    ["9521 Elm Blvd, Portland, OR 97201", ["9521 Elm Blvd, Portland, OR 97201"]],
    ["10 Downing Street, London SW1A 2AA", ["10 Downing Street, London SW1A 2AA"]],
    ["meet at 221B Baker Street.", ["221B Baker Street"]],
    ["12 Main St. Apt 4", ["12 Main St. Apt 4"]],
    ["1600 Pennsylvania Ave NW, Washington, DC 20500", ["1600 Pennsylvania Ave NW, Washington, DC 20500"]],
  ])("finds the number-first address in %j", (text, expected) => {
    expect(found(detectAddress, text)).toEqual(expected);
  });

  it.each([
    ["David lives on Rue Dielhère 130 in Liège.", ["Rue Dielhère 130"]],
    ["Meine Adresse: Hauptstraße 5, 10115 Berlin.", ["Hauptstraße 5, 10115 Berlin"]],
    ["Bahnhofstr. 12a, bitte klingeln", ["Bahnhofstr. 12a"]],
    ["Berliner Straße 5", ["Berliner Straße 5"]],
    ["Via Roma 12, 00184 Roma", ["Via Roma 12, 00184 Roma"]],
    ["vivo en Calle Mayor 3", ["Calle Mayor 3"]],
    ["Calle de Alcalá, 45, 28014 Madrid", ["Calle de Alcalá, 45, 28014 Madrid"]],
    ["Kalverstraat 92, 1012 PH Amsterdam", ["Kalverstraat 92, 1012 PH Amsterdam"]],
    ["Rua Augusta 100, Lisboa", ["Rua Augusta 100"]],
    ["j'habite 12 rue de la Paix, 75002 Paris", ["12 rue de la Paix, 75002 Paris"]],
    ["8, boulevard Haussmann", ["8, boulevard Haussmann"]],
  ])("finds the European street in %j", (text, expected) => {
    expect(found(detectAddress, text)).toEqual(expected);
  });

  it.each([
    ["P.O. Box 1234, Springfield", ["P.O. Box 1234"]],
    ["send it to PO Box 55", ["PO Box 55"]],
    ["Postfach 10 20 30", ["Postfach 10 20 30"]],
    ["B.P. 45 Dakar", ["B.P. 45"]],
    ["Boîte postale 123", ["Boîte postale 123"]],
    ["Apartado de correos 12", ["Apartado de correos 12"]],
    ["PSC 1234, Box 5678, APO AE 09123", ["PSC 1234, Box 5678, APO AE 09123"]],
    ["Unit 2050 Box 4190, APO AP 96278", ["Unit 2050 Box 4190, APO AP 96278"]],
    ["CMR 450, APO AE 09058", ["CMR 450, APO AE 09058"]],
    ["USS Nimitz, FPO AP 96616", ["FPO AP 96616"]],
    ["DPO AA 34001-1234", ["DPO AA 34001-1234"]],
  ])("finds the PO box or military address in %j", (text, expected) => {
    expect(found(detectAddress, text)).toEqual(expected);
  });

  it.each([
    ["Room 423 on floor 23, building B"],
    ["We sold 40 Apple Watches"],
    ["3 Ways to improve"],
    ["Sie landete auf Platz 3 der Charts"],
    ["Windows 10 and Route 66"],
    ["BP 120/80 at rest"],
    ["Via Email 3.5 times faster"],
    ["String 3 is long; Spring 2024 sale"],
    ["Chapter 12 Section 4"],
    ["APO is an acronym; AE 09123 is not a ZIP"],
  ])("ignores %j", (text) => {
    expect(found(detectAddress, text)).toEqual([]);
  });
});
