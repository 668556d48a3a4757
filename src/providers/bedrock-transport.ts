import { AwsV4Signer } from "aws4fetch";
import { z } from "zod";
import { createEventStreamDecoder, type EventStreamMessage } from "./aws-event-stream";
import { BEDROCK_EXCEPTION_EVENT, BEDROCK_MALFORMED_EVENT } from "./bedrock";

/**
 * How a Bedrock call leaves the Worker: the adapter's request, signed with SigV4 (aws4fetch) under the
 * tenant's AWS key, and — for ConverseStream — the binary event-stream answer re-framed as SSE text so
 * the one streaming module (eventsource-parser) and the adapter see ordinary named events.
 */

/** The BYOK plaintext for Bedrock: one JSON blob, sealed like any other key. */
export const AwsCredential = z
  .object({
    access_key_id: z.string().regex(/^[A-Z0-9]{16,128}$/, "access_key_id looks wrong"),
    secret_access_key: z.string().min(16).max(256),
    session_token: z.string().min(1).max(4096).optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, "region must look like us-east-1"),
  })
  .strict();
export type AwsCredential = z.infer<typeof AwsCredential>;

export function parseAwsCredential(plaintext: string): AwsCredential | null {
  try {
    return AwsCredential.safeParse(JSON.parse(plaintext)).data ?? null;
  } catch {
    return null;
  }
}

export const bedrockRuntimeUrl = (region: string) => `https://bedrock-runtime.${region}.amazonaws.com`;

/** Region shown for a stored key, read from its (non-secret) endpoint so listing never decrypts. */
export function bedrockRegionOf(baseUrl: string): string | null {
  return /bedrock-runtime(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\./.exec(baseUrl)?.[1] ?? null;
}

const encoder = new TextEncoder();
const payloadText = new TextDecoder();

/** One decoded message as SSE text: events by `:event-type`; exceptions and errors as one `exception` event. */
function toSse(message: EventStreamMessage): string {
  const type = message.headers[":message-type"];
  let event: string;
  let data: string;
  if (type === "event") {
    event = String(message.headers[":event-type"] ?? "unknown");
    data = payloadText.decode(message.payload);
  } else if (type === "exception") {
    event = BEDROCK_EXCEPTION_EVENT;
    const body = safeJson(payloadText.decode(message.payload));
    data = JSON.stringify({
      message: `${String(message.headers[":exception-type"] ?? "exception")}: ${messageOf(body)}`,
    });
  } else {
    event = BEDROCK_EXCEPTION_EVENT;
    data = JSON.stringify({
      message: `${String(message.headers[":error-code"] ?? "error")}: ${String(message.headers[":error-message"] ?? "")}`,
    });
  }
  // SSE data cannot hold a bare newline; one `data:` line per line keeps the payload intact.
  return `event: ${event}\n${data
    .split(/\r?\n/)
    .map((line) => `data: ${line}`)
    .join("\n")}\n\n`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function messageOf(body: unknown): string {
  const parsed = z.object({ message: z.string() }).safeParse(body);
  return parsed.success ? parsed.data.message : "no message";
}

/**
 * Binary event stream → SSE bytes. Corrupt framing (bad CRC, impossible length, truncated tail) becomes
 * one `malformed` event, which the adapter turns into a stream failure, instead of a broken connection.
 */
export function eventStreamToSse(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = createEventStreamDecoder();
  let broken = false;
  const malformed = () => encoder.encode(`event: ${BEDROCK_MALFORMED_EVENT}\ndata: {}\n\n`);
  return new TransformStream({
    transform(bytes, controller) {
      if (broken) return;
      try {
        for (const message of decoder.push(bytes)) controller.enqueue(encoder.encode(toSse(message)));
      } catch {
        broken = true;
        controller.enqueue(malformed());
      }
    },
    flush(controller) {
      if (!broken && decoder.pending > 0) controller.enqueue(malformed());
    },
  });
}

const EVENT_STREAM = "application/vnd.amazon.eventstream";

/** A `fetch` that signs every request for `bedrock` in the key's region and re-frames event streams. */
export function bedrockFetch(credential: AwsCredential, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const signer = new AwsV4Signer({
      method: init?.method ?? "GET",
      url,
      headers: init?.headers as HeadersInit | undefined,
      body: init?.body as string | undefined,
      accessKeyId: credential.access_key_id,
      secretAccessKey: credential.secret_access_key,
      ...(credential.session_token ? { sessionToken: credential.session_token } : {}),
      service: "bedrock",
      region: credential.region,
    });
    const signed = await signer.sign();
    const response = await inner(signed.url.href, { ...init, method: signed.method, headers: signed.headers });
    if (!response.ok || !response.body || !response.headers.get("content-type")?.startsWith(EVENT_STREAM))
      return response;
    const headers = new Headers(response.headers);
    headers.set("content-type", "text/event-stream");
    return new Response(response.body.pipeThrough(eventStreamToSse()), { status: response.status, headers });
  };
}
