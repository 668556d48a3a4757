import { z } from "zod";
import {
  AwsCredential,
  bedrockFetch,
  bedrockRegionOf,
  bedrockRuntimeUrl,
  parseAwsCredential,
} from "./bedrock-transport";
import type { ProviderRow } from "./catalog";
import { DEFAULT_VERTEX_REGION, vertexBaseUrl, vertexFetch, vertexRegionOf } from "./vertex";
import { parseServiceAccount, ServiceAccount, type TokenOptions } from "./vertex-auth";

/**
 * Credentials that are not one static API key: a Google service account (Vertex AI) and an AWS access key
 * (Bedrock). Both are stored as one sealed JSON blob; the region lives in the key's non-secret base URL
 * (and, for SigV4, in the blob too), so listings show it without decrypting. At call time the blob becomes
 * a transport: a `fetch` that authorises each request (OAuth token or SigV4 signature).
 */

export const isEnterpriseProvider = (row: Pick<ProviderRow, "protocol">) =>
  row.protocol === "vertex" || row.protocol === "bedrock";

/** The BYOK body fields these providers read (the control plane's schema adds them to `api_key`). */
export const EnterpriseKeyFields = z.object({
  /** Vertex: the service-account key JSON, as an object or as its text (also accepted in `api_key`). */
  service_account: z.union([z.record(z.string(), z.unknown()), z.string().max(16_384)]).optional(),
  project_id: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/)
    .optional(),
  /** Bedrock: the key pair, optionally with an STS session token. */
  aws_access_key_id: z.string().max(128).optional(),
  aws_secret_access_key: z.string().max(256).optional(),
  aws_session_token: z.string().max(4096).optional(),
  region: z
    .string()
    .regex(/^[a-z0-9-]{2,32}$/)
    .optional(),
});
export type EnterpriseKeyFields = z.infer<typeof EnterpriseKeyFields>;

export type StoredCredential =
  | { ok: true; secret: string; baseUrl: string; region: string }
  | { ok: false; param: string; message: string };

/**
 * The plaintext to seal and the base URL to store for a Vertex or Bedrock key. `baseUrl` overrides the
 * derived endpoint (VPC endpoints, tests); the region still comes from the body.
 */
export function storedCredential(
  row: Pick<ProviderRow, "protocol">,
  body: EnterpriseKeyFields & { api_key?: string | undefined; base_url?: string | undefined },
): StoredCredential {
  if (row.protocol === "vertex") {
    const raw = body.service_account ?? body.api_key;
    const account = typeof raw === "string" ? parseServiceAccount(raw) : (ServiceAccount.safeParse(raw).data ?? null);
    if (!account)
      return {
        ok: false,
        param: "service_account",
        message: "Expected a service-account key JSON (type service_account, project_id, client_email, private_key).",
      };
    const region = body.region ?? DEFAULT_VERTEX_REGION;
    const project = body.project_id ?? account.project_id;
    // Only the fields the grant needs are sealed: the downloaded file's other fields are not ours to keep.
    const secret = JSON.stringify({
      type: account.type,
      project_id: account.project_id,
      private_key_id: account.private_key_id,
      private_key: account.private_key,
      client_email: account.client_email,
    });
    return { ok: true, secret, baseUrl: body.base_url ?? vertexBaseUrl(region, project), region };
  }
  const credential = AwsCredential.safeParse({
    access_key_id: body.aws_access_key_id,
    secret_access_key: body.aws_secret_access_key,
    ...(body.aws_session_token ? { session_token: body.aws_session_token } : {}),
    region: body.region,
  });
  if (!credential.success) {
    const field = String(credential.error.issues[0]?.path[0] ?? "aws_access_key_id");
    const param = field === "region" ? "region" : `aws_${field}`;
    return {
      ok: false,
      param,
      message: `Bedrock needs aws_access_key_id, aws_secret_access_key and region (${param} is missing or malformed).`,
    };
  }
  return {
    ok: true,
    secret: JSON.stringify(credential.data),
    baseUrl: body.base_url ?? bedrockRuntimeUrl(credential.data.region),
    region: credential.data.region,
  };
}

/** The fingerprinted identity of a blob: the key id, never the secret half. */
export function credentialIdentity(row: Pick<ProviderRow, "protocol">, secret: string): string {
  if (row.protocol === "vertex") {
    const account = parseServiceAccount(secret);
    return account ? `${account.client_email}#${account.private_key_id ?? account.private_key}` : secret;
  }
  const aws = parseAwsCredential(secret);
  return aws ? aws.access_key_id : secret;
}

export type Transport =
  | { ok: true; fetch: typeof fetch; baseUrl: string; region: string | null; redact: string }
  | { ok: false; message: string };

export interface TransportOptions {
  /** The Google token endpoint (tests point it at a fake). */
  tokenUrl?: TokenOptions["tokenUrl"];
}

/**
 * Decrypted blob → the fetch that authorises each call. `redact` is the secret half, scrubbed from any
 * provider message that might echo it.
 */
export function credentialTransport(
  row: Pick<ProviderRow, "protocol">,
  secret: string,
  baseUrl: string | null,
  inner: typeof fetch,
  options: TransportOptions = {},
): Transport {
  if (row.protocol === "vertex") {
    const account = parseServiceAccount(secret);
    if (!account) return { ok: false, message: "The stored Vertex AI service account is not readable." };
    const base = baseUrl ?? vertexBaseUrl(DEFAULT_VERTEX_REGION, account.project_id);
    return {
      ok: true,
      fetch: vertexFetch(account, inner, options.tokenUrl ? { tokenUrl: options.tokenUrl } : {}),
      baseUrl: base,
      region: vertexRegionOf(base),
      redact: account.private_key,
    };
  }
  const aws = parseAwsCredential(secret);
  if (!aws) return { ok: false, message: "The stored AWS Bedrock key is not readable." };
  return {
    ok: true,
    fetch: bedrockFetch(aws, inner),
    baseUrl: baseUrl ?? bedrockRuntimeUrl(aws.region),
    region: aws.region,
    redact: aws.secret_access_key,
  };
}

/** Region of a stored key, from its base URL only (no decryption); null for other providers. */
export function regionOf(row: Pick<ProviderRow, "protocol">, baseUrl: string | null): string | null {
  if (row.protocol === "vertex") return vertexRegionOf(baseUrl ?? vertexBaseUrl(DEFAULT_VERTEX_REGION, "-"));
  if (row.protocol === "bedrock") return baseUrl ? bedrockRegionOf(baseUrl) : null;
  return null;
}
