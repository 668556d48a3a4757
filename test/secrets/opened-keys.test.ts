import { afterEach, describe, expect, it, vi } from "vitest";
import { encryptProviderKey } from "../../src/secrets/byok-cipher";
import { generateMasterKey } from "../../src/secrets/generate";
import { parseMasterKeys } from "../../src/secrets/master-keys";
import { openProviderKey } from "../../src/secrets/opened-keys";

/**
 * The per-isolate cache of opened BYOK keys: one AES-GCM open per stored ciphertext, yet a re-stored key,
 * a ciphertext moved to another owner and a changed master keyring all behave as without a cache.
 */
const OWNER = { tenantId: "ten_cache", provider: "openai", scope: "tenant" };

afterEach(() => vi.restoreAllMocks());

describe("openProviderKey", () => {
  it("opens a ciphertext once and serves it from memory afterwards", async () => {
    const ring = await parseMasterKeys(generateMasterKey(1));
    const sealed = await encryptProviderKey("sk-cache-0123456789", OWNER, ring);
    const decrypt = vi.spyOn(crypto.subtle, "decrypt");
    for (let i = 0; i < 5; i++)
      expect(await openProviderKey(sealed, OWNER, ring)).toMatchObject({ ok: true, plaintext: "sk-cache-0123456789" });
    expect(decrypt).toHaveBeenCalledTimes(1);
  });

  it("never serves a replaced key: storing again seals a new ciphertext, a new entry", async () => {
    const ring = await parseMasterKeys(generateMasterKey(1));
    const first = await encryptProviderKey("sk-old-0123456789", OWNER, ring);
    const second = await encryptProviderKey("sk-new-0123456789", OWNER, ring);
    expect(await openProviderKey(first, OWNER, ring)).toMatchObject({ plaintext: "sk-old-0123456789" });
    expect(await openProviderKey(second, OWNER, ring)).toMatchObject({ plaintext: "sk-new-0123456789" });
  });

  it("keeps the owner binding: a cached ciphertext presented for another tenant, provider or scope does not open", async () => {
    const ring = await parseMasterKeys(generateMasterKey(1));
    const sealed = await encryptProviderKey("sk-owner-0123456789", OWNER, ring);
    expect((await openProviderKey(sealed, OWNER, ring)).ok).toBe(true);
    for (const other of [
      { ...OWNER, tenantId: "ten_thief" },
      { ...OWNER, provider: "groq" },
      { ...OWNER, scope: "cc:eng" },
    ]) {
      expect(await openProviderKey(sealed, other, ring)).toEqual({ ok: false, reason: "authentication_failed" });
    }
  });

  it("forgets everything when the master keyring changes", async () => {
    const secret = generateMasterKey(1);
    const ring = await parseMasterKeys(secret);
    const sealed = await encryptProviderKey("sk-ring-0123456789", OWNER, ring);
    expect((await openProviderKey(sealed, OWNER, ring)).ok).toBe(true);
    // A keyring without the key that sealed it (same version label, other bytes): the cached plaintext is not served.
    const other = await parseMasterKeys(generateMasterKey(1));
    expect(await openProviderKey(sealed, OWNER, other)).toEqual({ ok: false, reason: "authentication_failed" });
  });

  it("stays bounded: the least recently used entry is opened again after 256 others", async () => {
    const ring = await parseMasterKeys(generateMasterKey(1));
    const sealed = await Promise.all(
      Array.from({ length: 258 }, (_, i) => encryptProviderKey(`sk-many-${i}-0123456789`, OWNER, ring)),
    );
    for (const s of sealed) await openProviderKey(s, OWNER, ring);
    const decrypt = vi.spyOn(crypto.subtle, "decrypt");
    await openProviderKey(sealed[257]!, OWNER, ring); // most recent: cached
    expect(decrypt).toHaveBeenCalledTimes(0);
    await openProviderKey(sealed[0]!, OWNER, ring); // evicted
    expect(decrypt).toHaveBeenCalledTimes(1);
  });
});
