/**
 * `OTEL_EXPORTER_OTLP_HEADERS` as the OpenTelemetry spec defines it: `key1=value1,key2=value2`, values
 * percent-decoded (W3C Baggage encoding). Null when malformed, so the env check can say so without echoing
 * the value (it is a secret: usually an API key of the tracing backend).
 */
export function parseOtlpHeaders(raw: string | undefined): Record<string, string> | null {
  const headers: Record<string, string> = {};
  if (!raw || raw.trim() === "") return headers;
  for (const pair of raw.split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) return null;
    const name = pair.slice(0, at).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return null;
    try {
      headers[name] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return null;
    }
  }
  return headers;
}
