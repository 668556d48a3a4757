import { describe, expect, it } from "vitest";
import { cacheKeys, entryName, seal, unseal } from "../../src/cache/seal";
import { generateMasterKey } from "../../src/secrets/generate";

describe("sealed cache entries", () => {
  it("opens what it sealed, and names entries by a keyed hash that changes with the master key", async () => {
    const keys = await cacheKeys(generateMasterKey(1));
    if (!keys) throw new Error("no keys");
    const name = await entryName(keys, "request text");
    expect(name).toMatch(/^[0-9a-f]{64}$/);
    expect(name).toBe(await entryName(keys, "request text"));
    const sealed = await seal(keys, name, "the answer: <EMAIL_1>");
    expect(sealed).not.toContain("answer");
    expect(sealed).not.toContain("EMAIL");
    expect(await unseal(keys, name, sealed)).toBe("the answer: <EMAIL_1>");

    const other = await cacheKeys(generateMasterKey(1));
    if (!other) throw new Error("no keys");
    expect(await entryName(other, "request text")).not.toBe(name);
    expect(await unseal(other, name, sealed)).toBeNull();
  });

  it("refuses an entry moved under another name, tampered with, or not an envelope at all", async () => {
    const keys = await cacheKeys(generateMasterKey(2));
    if (!keys) throw new Error("no keys");
    const sealed = await seal(keys, "name-a", "alice's answer");
    expect(await unseal(keys, "name-b", sealed)).toBeNull();
    const envelope = JSON.parse(sealed) as { ct: string };
    const flipped = `${envelope.ct.slice(0, 5)}${envelope.ct[5] === "A" ? "B" : "A"}${envelope.ct.slice(6)}`;
    expect(await unseal(keys, "name-a", JSON.stringify({ ...envelope, ct: flipped }))).toBeNull();
    expect(await unseal(keys, "name-a", JSON.stringify({ ...envelope, v: "v9" }))).toBeNull();
    for (const junk of ["", "null", "[]", "{", '{"v":"v2","iv":1,"ct":"x"}'])
      expect(await unseal(keys, "name-a", junk)).toBeNull();
  });

  it("derives no keys from a missing or malformed secret (the cache is then bypassed)", async () => {
    expect(await cacheKeys(undefined)).toBeNull();
    expect(await cacheKeys("v1:short")).toBeNull();
  });
});
