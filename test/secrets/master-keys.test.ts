import { describe, expect, it } from "vitest";
import { GatewayError } from "../../src/errors";
import { parseMasterKeys } from "../../src/secrets/master-keys";

const K1 = btoa(String.fromCharCode(...new Uint8Array(32).fill(1)));
const K2 = btoa(String.fromCharCode(...new Uint8Array(32).fill(2)));

describe("parseMasterKeys", () => {
  it("takes the first entry as active and keeps every version for decryption", async () => {
    const ring = await parseMasterKeys(`v2:${K2},v1:${K1}`);
    expect(ring.active.version).toBe("v2");
    expect([...ring.byVersion.keys()]).toEqual(["v2", "v1"]);
  });

  it("accepts URL-safe base64 and spaces after commas", async () => {
    const urlSafe = K2.replace(/\+/g, "-").replace(/\//g, "_");
    expect((await parseMasterKeys(`v2:${urlSafe}, v1:${K1}`)).byVersion.size).toBe(2);
  });

  it("imports keys that cannot be exported", async () => {
    const ring = await parseMasterKeys(`v1:${K1}`);
    expect(ring.active.key.extractable).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["no version", K1],
    ["16-byte key", `v1:${btoa("0123456789abcdef")}`],
    ["33-byte key", `v1:${btoa("0123456789abcdef0123456789abcdef!")}`],
    ["duplicate version", `v1:${K1},v1:${K2}`],
    ["trailing comma", `v1:${K1},`],
    ["bad version label", `key1:${K1}`],
  ])("refuses %s as misconfigured, without echoing the secret", async (_label, secret) => {
    const error = await parseMasterKeys(secret).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("misconfigured");
    expect((error as GatewayError).message).not.toContain(K1);
    expect((error as GatewayError).message).not.toContain(K2);
  });
});
