/**
 * AWS event-stream framing (`application/vnd.amazon.eventstream`), the binary stream Bedrock's
 * ConverseStream answers with. One message on the wire:
 *
 *   total length u32 BE | headers length u32 BE | prelude CRC32 (of the 8 bytes before it)
 *   headers: { name length u8, name utf-8, value type u8, value }*
 *   payload (total − headers − 16 bytes)
 *   message CRC32 (of every byte before it)
 *
 * The decoder is incremental and pure: TCP reads split messages anywhere, so bytes are buffered until a
 * whole message is present, and both CRCs are checked before anything is trusted.
 */

export type HeaderValue = string | number | boolean | Uint8Array;

export interface EventStreamMessage {
  headers: Record<string, HeaderValue>;
  payload: Uint8Array;
}

export class EventStreamFramingError extends Error {
  override name = "EventStreamFramingError";
}

const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;
/** Bedrock messages are small JSON events; anything near this is a corrupt length, not a message. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum the framing uses. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  // The index is masked to 0–255, always inside the 256-entry table; `?? 0` only satisfies the index type.
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function readHeaders(bytes: Uint8Array): Record<string, HeaderValue> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headers: Record<string, HeaderValue> = {};
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new EventStreamFramingError("header runs past its section");
  };
  while (at < bytes.length) {
    need(1);
    const nameLength = view.getUint8(at++);
    need(nameLength + 1);
    const name = utf8.decode(bytes.subarray(at, at + nameLength));
    at += nameLength;
    const type = view.getUint8(at++);
    let value: HeaderValue;
    switch (type) {
      case 0:
        value = true;
        break;
      case 1:
        value = false;
        break;
      case 2:
        need(1);
        value = view.getInt8(at);
        at += 1;
        break;
      case 3:
        need(2);
        value = view.getInt16(at);
        at += 2;
        break;
      case 4:
        need(4);
        value = view.getInt32(at);
        at += 4;
        break;
      case 5:
      case 8:
        need(8);
        value = Number(view.getBigInt64(at));
        at += 8;
        break;
      case 6:
      case 7: {
        need(2);
        const length = view.getUint16(at);
        at += 2;
        need(length);
        const raw = bytes.subarray(at, at + length);
        value = type === 7 ? utf8.decode(raw) : raw.slice();
        at += length;
        break;
      }
      case 9:
        need(16);
        value = bytes.slice(at, at + 16);
        at += 16;
        break;
      default:
        throw new EventStreamFramingError(`unknown header value type ${type}`);
    }
    headers[name] = value;
  }
  return headers;
}

/** Decodes one complete message (exactly `total length` bytes), verifying both checksums. */
export function decodeMessage(bytes: Uint8Array): EventStreamMessage {
  if (bytes.length < PRELUDE_BYTES + CRC_BYTES) throw new EventStreamFramingError("message shorter than its prelude");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = view.getUint32(0);
  const headersLength = view.getUint32(4);
  if (total !== bytes.length) throw new EventStreamFramingError("total length does not match the message");
  if (crc32(bytes.subarray(0, 8)) !== view.getUint32(8)) throw new EventStreamFramingError("prelude CRC mismatch");
  if (crc32(bytes.subarray(0, total - CRC_BYTES)) !== view.getUint32(total - CRC_BYTES))
    throw new EventStreamFramingError("message CRC mismatch");
  if (PRELUDE_BYTES + headersLength + CRC_BYTES > total)
    throw new EventStreamFramingError("headers longer than the message");
  const headers = readHeaders(bytes.subarray(PRELUDE_BYTES, PRELUDE_BYTES + headersLength));
  return { headers, payload: bytes.slice(PRELUDE_BYTES + headersLength, total - CRC_BYTES) };
}

/**
 * Incremental decoder: `push` any slice of the byte stream, get back the messages it completed.
 * `pending` is how many bytes wait for the rest of a message (non-zero at end of stream = truncated).
 */
export function createEventStreamDecoder() {
  let buffer = new Uint8Array(0);
  return {
    push(chunk: Uint8Array): EventStreamMessage[] {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      const messages: EventStreamMessage[] = [];
      let at = 0;
      while (joined.length - at >= PRELUDE_BYTES) {
        const total = new DataView(joined.buffer, at, 4).getUint32(0);
        if (total < PRELUDE_BYTES + CRC_BYTES || total > MAX_MESSAGE_BYTES)
          throw new EventStreamFramingError(`implausible message length ${total}`);
        if (joined.length - at < total) break;
        messages.push(decodeMessage(joined.subarray(at, at + total)));
        at += total;
      }
      buffer = joined.slice(at);
      return messages;
    },
    get pending(): number {
      return buffer.length;
    },
  };
}
