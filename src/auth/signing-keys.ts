import { importJWK, type CryptoKey } from "jose";
import { z } from "zod";
import { GatewayError } from "../errors";
import { retiredKeyDropTime } from "./key-retirement";

/**
 * JWT signing keys from the `JWT_SIGNING_KEYS` secret: a JSON array of RS256 private JWKs, each with a
 * `kid`. The first entry signs; every other entry is still published at /.well-known/jwks.json and
 * still verifies, so tokens minted before a rotation keep working. An entry may carry `retired_at`
 * (ISO 8601): it stays published until no token it signed can still be valid, i.e. `retired_at` plus
 * the longest TTL plus clock skew, and is dropped after that. Rotation steps: docs/security.md.
 */

export { MAX_TOKEN_TTL_SECONDS } from "./key-retirement";
/** 2048-bit modulus = 256 bytes = 342 unpadded base64url characters; smaller keys are refused. */
const MIN_MODULUS_B64URL_CHARS = 342;

const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/, "must be base64url");

const PrivateRsaJwk = z.object({
  kty: z.literal("RSA"),
  kid: z.string().min(1).max(128),
  alg: z.literal("RS256").optional(),
  use: z.literal("sig").optional(),
  n: b64url.min(MIN_MODULUS_B64URL_CHARS, "modulus must be at least 2048 bits"),
  e: b64url,
  d: b64url,
  p: b64url,
  q: b64url,
  dp: b64url,
  dq: b64url,
  qi: b64url,
  retired_at: z.iso.datetime({ offset: true }).optional(),
});

export const SigningKeysSecret = z
  .array(PrivateRsaJwk)
  .min(1, "must hold at least one key")
  .refine((keys) => new Set(keys.map((key) => key.kid)).size === keys.length, "kids must be unique")
  .refine((keys) => keys[0]?.retired_at === undefined, "the first (active) key cannot be retired");

export type SigningKeyJwk = z.infer<typeof PrivateRsaJwk>;

/** Exactly what is published: never `d`, `p`, `q`, `dp`, `dq` or `qi`. */
export interface PublicJwk {
  kty: "RSA";
  n: string;
  e: string;
  kid: string;
  alg: "RS256";
  use: "sig";
}

export interface VerificationKey {
  kid: string;
  publicKey: CryptoKey;
  publicJwk: PublicJwk;
  /** Unix seconds after which the key is neither published nor accepted; null = no end. */
  dropAfter: number | null;
}

export interface SigningKeySet {
  active: { kid: string; privateKey: CryptoKey };
  /** Keys currently published and accepted, the active one first. */
  verifiers: readonly VerificationKey[];
  jwks: { keys: PublicJwk[] };
}

interface ImportedKeys {
  active: { kid: string; privateKey: CryptoKey };
  all: VerificationKey[];
}

// Importing RSA keys costs milliseconds; the secret is fixed for an isolate's life, so do it once.
let cached: { secret: string; imported: Promise<ImportedKeys> } | undefined;

export async function loadSigningKeys(secretJson: string, now: Date = new Date()): Promise<SigningKeySet> {
  if (cached?.secret !== secretJson) {
    const imported = importKeys(secretJson);
    cached = { secret: secretJson, imported };
    imported.catch(() => {
      if (cached?.imported === imported) cached = undefined;
    });
  }
  const { active, all } = await cached.imported;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const verifiers = all.filter((key) => key.dropAfter === null || nowSeconds <= key.dropAfter);
  return { active, verifiers, jwks: publicJwks(verifiers) };
}

/** The body of GET /.well-known/jwks.json. Built field by field so private parts cannot slip through. */
export function publicJwks(verifiers: readonly VerificationKey[]): { keys: PublicJwk[] } {
  return {
    keys: verifiers.map(({ publicJwk: { kty, n, e, kid, alg, use } }) => ({ kty, n, e, kid, alg, use })),
  };
}

async function importKeys(secretJson: string): Promise<ImportedKeys> {
  const jwks = parseSecret(secretJson);
  const all = await Promise.all(jwks.map(importVerificationKey));
  const first = jwks[0];
  if (!first) throw misconfigured("the key set is empty");
  const privateKey = await importJWK(privateParts(first), "RS256");
  if (privateKey instanceof Uint8Array) throw misconfigured("the active key is not an RSA key");
  return { active: { kid: first.kid, privateKey }, all };
}

function parseSecret(secretJson: string): SigningKeyJwk[] {
  let raw: unknown;
  try {
    raw = JSON.parse(secretJson);
  } catch {
    throw misconfigured("is not valid JSON");
  }
  const parsed = SigningKeysSecret.safeParse(raw);
  if (!parsed.success) {
    // Paths and zod's messages only: the secret's values must never reach an error or a log.
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "value"} ${issue.message}`);
    throw misconfigured(problems.join("; "));
  }
  return parsed.data;
}

async function importVerificationKey(jwk: SigningKeyJwk): Promise<VerificationKey> {
  const publicJwk: PublicJwk = { kty: "RSA", n: jwk.n, e: jwk.e, kid: jwk.kid, alg: "RS256", use: "sig" };
  const publicKey = await importJWK({ kty: "RSA", n: jwk.n, e: jwk.e }, "RS256");
  if (publicKey instanceof Uint8Array) throw misconfigured(`key ${jwk.kid} is not an RSA key`);
  const dropAfter = jwk.retired_at === undefined ? null : retiredKeyDropTime(jwk.retired_at);
  return { kid: jwk.kid, publicKey, publicJwk, dropAfter };
}

function privateParts({ kty, n, e, d, p, q, dp, dq, qi }: SigningKeyJwk) {
  return { kty, n, e, d, p, q, dp, dq, qi };
}

function misconfigured(reason: string): GatewayError {
  return new GatewayError("misconfigured", `Gateway misconfigured: JWT_SIGNING_KEYS ${reason}.`);
}
