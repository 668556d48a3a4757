import { createMiddleware } from "hono/factory";
import { GatewayError } from "../errors";

/**
 * Request bodies are capped in bytes while they are read, not by what the client declares: a chunked body has no
 * Content-Length, a declared length can lie, and a character count under-states multibyte UTF-8 up to 4×. The
 * reader counts the bytes the stream delivers and cancels it as soon as the count passes the cap, so an endless
 * body costs at most `maxBytes` plus one chunk of memory. A declared length over the cap is refused unread.
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Stop the sender now rather than drain the rest; the rejection is irrelevant, the refusal is the answer.
      reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return concat(chunks, size);
}

/** The body as JSON: 413 `payload_too_large` past `maxBytes` (read as above), 400 when it is not UTF-8 JSON. */
export async function readJsonCapped(request: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readBodyBytes(request, maxBytes);
  try {
    // fatal: invalid UTF-8 is refused rather than silently replaced, so what the guardrails read is what was sent.
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new GatewayError("invalid_request", "The request body is not valid JSON.");
  }
}

/**
 * Middleware for routes whose handlers read the body through hono or a validator: the body is read here under the
 * cap and the request re-made around the bytes, so no later reader sees more than `maxBytes`.
 */
export function capRequestBody(maxBytes: number) {
  return createMiddleware(async function capRequestBody(c, next) {
    if (c.req.raw.body) c.req.raw = new Request(c.req.raw, { body: await readBodyBytes(c.req.raw, maxBytes) });
    await next();
  });
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError("payload_too_large", `The request body is over the limit of ${maxBytes} bytes.`);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
