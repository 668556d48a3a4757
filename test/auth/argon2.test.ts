import { describe, expect, it } from "vitest";
import { hashSecret, parsePhc, verifySecret } from "../../src/auth/argon2";

// Runs inside workerd (the `workers` project): proves the statically imported wasm loads there.
describe("Argon2id in workerd", () => {
  it("hashes to a PHC string with the OWASP parameters and verifies the right secret only", async () => {
    const phc = await hashSecret("tg_sk_live_0123456789abcdef0123456789abcdef");
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifySecret("tg_sk_live_0123456789abcdef0123456789abcdef", phc)).toBe(true);
    expect(await verifySecret("tg_sk_live_0123456789abcdef0123456789abcdee", phc)).toBe(false);
    expect(await verifySecret("", phc)).toBe(false);
    expect(await verifySecret("short", phc)).toBe(false);
  });

  it("refuses to hash a secret shorter than 8 bytes (the wasm build's minimum)", async () => {
    await expect(hashSecret("short")).rejects.toThrow(RangeError);
  });

  it("salts every hash: one secret twice gives two different strings that both verify", async () => {
    const first = await hashSecret("same secret");
    const second = await hashSecret("same secret");
    expect(first).not.toBe(second);
    expect(await verifySecret("same secret", first)).toBe(true);
    expect(await verifySecret("same secret", second)).toBe(true);
  });

  it.each([
    // Produced by the reference implementation (Debian `argon2` CLI), e.g.
    // echo -n password | argon2 somesalt -id -t 2 -m 10 -p 1 -l 32
    ["password", "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk"],
    [
      "tg_sk_live_0123456789abcdef0123456789abcdef",
      "$argon2id$v=19$m=19456,t=2,p=1$dG9sbGdhdGVzYWx0MDAwMQ$fKR00TcAZJPkFQZ2Vgz5NqGiM50KTNIn4js0XCGkjbA",
    ],
  ])("agrees with the reference implementation for %s", async (secret, phc) => {
    expect(await verifySecret(secret, phc)).toBe(true);
    expect(await verifySecret(`${secret}x`, phc)).toBe(false);
  });

  it.each([
    ["not a hash at all", "plaintext"],
    [
      "argon2i variant",
      "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    ],
    [
      "old version",
      "$argon2id$v=16$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    ],
    [
      "memory bomb",
      "$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    ],
    [
      "too many passes",
      "$argon2id$v=19$m=19456,t=500,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    ],
    ["empty salt", "$argon2id$v=19$m=19456,t=2,p=1$$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"],
  ])("rejects a stored value that is %s without throwing", async (_label, stored) => {
    expect(parsePhc(stored)).toBeNull();
    expect(await verifySecret("anything", stored)).toBe(false);
  });
});
