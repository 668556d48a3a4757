import setupWasm from "argon2id/lib/setup.js";
import simdModule from "argon2id/dist/simd.wasm";
import noSimdModule from "argon2id/dist/no-simd.wasm";
import { base64ToBytes, bytesToBase64 } from "../secrets/base64";
import { bytesEqual } from "./constant-time";

/**
 * Argon2id for API key secrets, inside workerd.
 *
 * The wasm binaries are imported statically (CompiledWasm) because Workers refuse to compile wasm from
 * bytes at run time; `setupWasm` only needs a function that instantiates a module with its imports.
 * Parameters follow OWASP's Argon2id baseline (m = 19 MiB, t = 2, p = 1). One hash costs ~100 ms of
 * CPU in workerd, so callers must verify a key once and cache the result by its SHA-256 lookup index
 * (see api-key-format.ts); this module itself keeps no per-key state.
 *
 * Stored form is the PHC string `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (unpadded standard
 * base64, as the reference implementation writes it), so the parameters travel with each hash and can
 * be raised later without breaking existing keys.
 */
export const ARGON2_PARAMS = { memoryKiB: 19_456, passes: 2, parallelism: 1, saltBytes: 16, tagBytes: 32 } as const;

type ComputeHash = Awaited<ReturnType<typeof setupWasm>>;

let computeHashPromise: Promise<ComputeHash> | undefined;

/** One wasm instance per isolate: each instance reserves ~65 MB of linear memory that is never freed. */
function loadArgon2(): Promise<ComputeHash> {
  computeHashPromise ??= setupWasm(
    async (imports) => ({ module: simdModule, instance: await WebAssembly.instantiate(simdModule, imports) }),
    async (imports) => ({ module: noSimdModule, instance: await WebAssembly.instantiate(noSimdModule, imports) }),
  ).catch((error: unknown) => {
    computeHashPromise = undefined; // let the next call retry instead of caching a failed load
    throw error;
  });
  return computeHashPromise;
}

interface PhcParams {
  memoryKiB: number;
  passes: number;
  parallelism: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{22,})$/;
const encoder = new TextEncoder();

/** The wasm build rejects passwords under 8 bytes; every secret we hash (API keys) is far longer. */
const MIN_SECRET_BYTES = 8;

export async function hashSecret(secret: string): Promise<string> {
  if (encoder.encode(secret).length < MIN_SECRET_BYTES) throw new RangeError("secret is too short to hash");
  const salt = crypto.getRandomValues(new Uint8Array(ARGON2_PARAMS.saltBytes));
  const hash = await derive(secret, {
    memoryKiB: ARGON2_PARAMS.memoryKiB,
    passes: ARGON2_PARAMS.passes,
    parallelism: ARGON2_PARAMS.parallelism,
    salt,
    tagBytes: ARGON2_PARAMS.tagBytes,
  });
  const { memoryKiB, passes, parallelism } = ARGON2_PARAMS;
  return `$argon2id$v=19$m=${memoryKiB},t=${passes},p=${parallelism}$${phcBase64(salt)}$${phcBase64(hash)}`;
}

/** False for a wrong secret and for a malformed or out-of-policy PHC string; never throws on bad input. */
export async function verifySecret(secret: string, phc: string): Promise<boolean> {
  const parsed = parsePhc(phc);
  if (!parsed || encoder.encode(secret).length < MIN_SECRET_BYTES) return false;
  const candidate = await derive(secret, { ...parsed, tagBytes: parsed.hash.length });
  // Constant-time: the lookup index that found this row is public, the hash comparison must not leak.
  return bytesEqual(candidate, parsed.hash);
}

export function parsePhc(phc: string): PhcParams | null {
  const match = PHC.exec(phc);
  if (!match) return null;
  const [, m, t, p, salt, hash] = match;
  const params = { memoryKiB: Number(m), passes: Number(t), parallelism: Number(p) };
  // Bounds stop a tampered row from turning one verification into a memory or CPU bomb.
  if (params.memoryKiB < 8 * params.parallelism || params.memoryKiB > 65_536) return null;
  if (params.passes < 1 || params.passes > 10 || params.parallelism < 1 || params.parallelism > 4) return null;
  if (salt === undefined || hash === undefined) return null;
  const saltBytes = base64ToBytes(salt);
  const hashBytes = base64ToBytes(hash);
  if (!saltBytes || !hashBytes || saltBytes.length < 8 || hashBytes.length < 16) return null;
  return { ...params, salt: saltBytes, hash: hashBytes };
}

async function derive(
  secret: string,
  p: { memoryKiB: number; passes: number; parallelism: number; salt: Uint8Array; tagBytes: number },
): Promise<Uint8Array> {
  const computeHash = await loadArgon2();
  return computeHash({
    password: encoder.encode(secret),
    salt: p.salt,
    parallelism: p.parallelism,
    passes: p.passes,
    memorySize: p.memoryKiB,
    tagLength: p.tagBytes,
  });
}

/** PHC strings use standard base64 without padding. */
function phcBase64(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/=+$/, "");
}
