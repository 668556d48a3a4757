import { beforeAll, describe, expect, it } from "vitest";
import {
  decryptProviderKey,
  encryptProviderKey,
  keyFingerprint,
  keyVersionOf,
  reencryptWithActiveKey,
  type ByokContext,
} from "../../src/secrets/byok-cipher";
import { parseMasterKeys, type MasterKeyRing } from "../../src/secrets/master-keys";
import { addMasterKey, generateMasterKey } from "../../src/secrets/generate";

const PROVIDER_KEY = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
const CONTEXT: ByokContext = { tenantId: "ten_1", provider: "openai" };

let v1Only: MasterKeyRing;
let rotated: MasterKeyRing; // v2 active, v1 still decrypts
let v2Only: MasterKeyRing;

beforeAll(async () => {
  const v1 = generateMasterKey(1);
  const both = addMasterKey(v1);
  v1Only = await parseMasterKeys(v1);
  rotated = await parseMasterKeys(both);
  v2Only = await parseMasterKeys(both.split(",")[0]!);
});

describe("encryptProviderKey / decryptProviderKey", () => {
  it("round-trips and names the master key version", async () => {
    const sealed = await encryptProviderKey(PROVIDER_KEY, CONTEXT, v1Only);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(await decryptProviderKey(sealed, CONTEXT, v1Only)).toEqual({
      ok: true,
      plaintext: PROVIDER_KEY,
      keyVersion: "v1",
    });
  });

  it("round-trips unicode and a cost-center scope", async () => {
    const context = { ...CONTEXT, scope: "cc:research" };
    const sealed = await encryptProviderKey("clé-🔑", context, v1Only);
    expect(await decryptProviderKey(sealed, context, v1Only)).toMatchObject({ ok: true, plaintext: "clé-🔑" });
  });

  it("never contains the plaintext, nor its base64 forms", async () => {
    const sealed = await encryptProviderKey(PROVIDER_KEY, CONTEXT, v1Only);
    const b64 = btoa(PROVIDER_KEY);
    const b64url = b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    for (const form of [PROVIDER_KEY, b64.slice(0, 20), b64url.slice(0, 20), "AbCdEfGh"]) {
      expect(sealed).not.toContain(form);
    }
  });

  it("uses a fresh IV each time: one plaintext seals to different strings", async () => {
    const a = await encryptProviderKey(PROVIDER_KEY, CONTEXT, v1Only);
    const b = await encryptProviderKey(PROVIDER_KEY, CONTEXT, v1Only);
    expect(a.split(".")[1]).not.toBe(b.split(".")[1]);
    expect(a).not.toBe(b);
  });

  it.each<[string, ByokContext]>([
    ["another tenant", { tenantId: "ten_2", provider: "openai" }],
    ["another provider", { tenantId: "ten_1", provider: "anthropic" }],
    ["an added scope", { tenantId: "ten_1", provider: "openai", scope: "cc:x" }],
    ["fields shifted across the boundary", { tenantId: "ten_1|openai", provider: "" }],
  ])("refuses to open under %s (associated data)", async (_label, other) => {
    const sealed = await encryptProviderKey(PROVIDER_KEY, CONTEXT, v1Only);
    expect(await decryptProviderKey(sealed, other, v1Only)).toEqual({ ok: false, reason: "authentication_failed" });
  });

  it("refuses a tampered ciphertext, IV or tag, byte by byte", async () => {
    const sealed = await encryptProviderKey(PROVIDER_KEY, CONTEXT, v1Only);
    const [version, iv, ct] = sealed.split(".") as [string, string, string];
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
    const tampered = [
      `${version}.${flip(iv, 0)}.${ct}`,
      `${version}.${iv}.${flip(ct, 0)}`,
      `${version}.${iv}.${flip(ct, Math.floor(ct.length / 2))}`,
      `${version}.${iv}.${flip(ct, ct.length - 2)}`,
    ];
    for (const forged of tampered) {
      expect(await decryptProviderKey(forged, CONTEXT, v1Only)).toEqual({ ok: false, reason: "authentication_failed" });
    }
  });

  it.each([
    ["", "malformed"],
    ["v1", "malformed"],
    ["v1.abc.def", "malformed"],
    ["v1.AAAAAAAAAAAAAAAA", "malformed"],
    ["x1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAA", "malformed"],
    ["v9.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAA", "unknown_key_version"],
  ])("decrypting %j → %s", async (sealed, reason) => {
    expect(await decryptProviderKey(sealed, CONTEXT, v1Only)).toEqual({ ok: false, reason });
  });

  it("refuses an empty provider key", async () => {
    await expect(encryptProviderKey("", CONTEXT, v1Only)).rejects.toThrow(RangeError);
  });
});

describe("master key rotation", () => {
  it("encrypts with the first key, decrypts what the old key sealed, and re-encrypts to the new one", async () => {
    const old = await encryptProviderKey(PROVIDER_KEY, CONTEXT, v1Only);
    expect(keyVersionOf(old)).toBe("v1");
    expect(keyVersionOf(await encryptProviderKey(PROVIDER_KEY, CONTEXT, rotated))).toBe("v2");
    expect(await decryptProviderKey(old, CONTEXT, rotated)).toMatchObject({
      ok: true,
      plaintext: PROVIDER_KEY,
      keyVersion: "v1",
    });

    const moved = await reencryptWithActiveKey(old, CONTEXT, rotated);
    expect(moved).toMatchObject({ ok: true, changed: true });
    if (!moved.ok) throw new Error("unreachable");
    expect(keyVersionOf(moved.sealed)).toBe("v2");
    // Once everything is re-encrypted, v1 can be removed from the secret.
    expect(await decryptProviderKey(moved.sealed, CONTEXT, v2Only)).toMatchObject({
      ok: true,
      plaintext: PROVIDER_KEY,
    });
    expect(await decryptProviderKey(old, CONTEXT, v2Only)).toEqual({ ok: false, reason: "unknown_key_version" });
  });

  it("leaves a key already under the active master key untouched", async () => {
    const current = await encryptProviderKey(PROVIDER_KEY, CONTEXT, rotated);
    expect(await reencryptWithActiveKey(current, CONTEXT, rotated)).toEqual({
      ok: true,
      sealed: current,
      changed: false,
    });
  });

  it("does not re-encrypt a key whose context does not match", async () => {
    const old = await encryptProviderKey(PROVIDER_KEY, CONTEXT, v1Only);
    const other = { tenantId: "ten_2", provider: "openai" };
    expect(await reencryptWithActiveKey(old, other, rotated)).toEqual({ ok: false, reason: "authentication_failed" });
  });
});

describe("keyFingerprint", () => {
  it("is sha256: + 12 hex, stable, and does not contain the key", async () => {
    const fingerprint = await keyFingerprint(PROVIDER_KEY);
    expect(fingerprint).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(await keyFingerprint(PROVIDER_KEY)).toBe(fingerprint);
    expect(await keyFingerprint(`${PROVIDER_KEY}x`)).not.toBe(fingerprint);
  });

  it("matches sha256sum for a known input", async () => {
    // printf %s sk-test | sha256sum
    expect(await keyFingerprint("sk-test")).toBe("sha256:f3abf2a6cc4f");
  });
});
