import { describe, expect, it } from "vitest";
import { checkBaseUrl } from "../../src/providers/base-url-policy";

const deployed = { allowPrivate: false };

describe("BYOK base URL policy (deployed)", () => {
  it.each([
    "https://api.openai.com/v1",
    "https://my-proxy.example.com:8443/openai/v1",
    "https://8.8.8.8/v1",
    "https://[2606:4700::1111]/v1",
  ])("accepts the public https URL %s", (url) => {
    expect(checkBaseUrl(url, deployed)).toEqual({ ok: true });
  });

  it.each([
    ["http://api.openai.com/v1", "https"],
    ["ftp://api.openai.com/", "https"],
    ["https://user:pass@api.example.com/", "credentials"],
    ["https://localhost/v1", "local"],
    ["https://gateway.localhost/v1", "local"],
    ["https://metadata.google.internal/", "local"],
    ["https://intranet/v1", "local"],
    ["https://127.0.0.1/v1", "loopback"],
    ["https://127.9.9.9:8443/", "loopback"],
    ["https://2130706433/", "loopback"], // 127.0.0.1 as one decimal number
    ["https://0x7f.1/", "loopback"],
    ["https://10.0.0.5/", "private"],
    ["https://172.20.1.1/", "private"],
    ["https://192.168.1.10/", "private"],
    ["https://169.254.169.254/latest/meta-data/", "link-local"],
    ["https://100.64.0.1/", "private"],
    ["https://0.0.0.0/", "private"],
    ["https://[::1]/", "loopback"],
    ["https://[fd00::1]/", "private"],
    ["https://[fe80::1]/", "link-local"],
    ["https://[::ffff:10.0.0.1]/", "private"],
    ["not a url", "URL"],
  ])("refuses %s", (url, why) => {
    const verdict = checkBaseUrl(url, deployed);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? "" : verdict.reason).toContain(why);
  });
});

describe("BYOK base URL policy (local development)", () => {
  it("allows loopback fakes over http", () => {
    expect(checkBaseUrl("http://127.0.0.1:9999/v1", { allowPrivate: true })).toEqual({ ok: true });
  });
  it("still refuses other schemes", () => {
    expect(checkBaseUrl("file:///etc/passwd", { allowPrivate: true }).ok).toBe(false);
  });
});
