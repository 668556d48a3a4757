import { describe, expect, it } from "vitest";
import { detectSecret, looksLikeSecretValue } from "../../../../src/guardrails/pii/detectors/secret";
import { found } from "./spans";

const JWT =
  "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIiwiaWF0IjoxNzAwMDAwMDAwfQ.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk4";

describe("detectSecret", () => {
  it.each([
    ["OPENAI_KEY=AKIABXIJSB4B4E1F486G —", "AKIABXIJSB4B4E1F486G"],
    ["ghp_6wXWl1Mrl4XbJdZQe7JoC2uCv4VgydVDr7AD", "ghp_6wXWl1Mrl4XbJdZQe7JoC2uCv4VgydVDr7AD"],
    [
      "key sk-proj-04YcmpYLAkhCkRpkV2gB69yZI60sJqTEugnPucbaY7sUMuCz ok",
      "sk-proj-04YcmpYLAkhCkRpkV2gB69yZI60sJqTEugnPucbaY7sUMuCz",
    ],
    ["stripe sk_live_wsW0vCZSpONHjdvRh5GlIPOF", "sk_live_wsW0vCZSpONHjdvRh5GlIPOF"],
    [
      "xoxb-005929224469-629137028587-7ROUopuFRE9oTAvJN6U6PrPo",
      "xoxb-005929224469-629137028587-7ROUopuFRE9oTAvJN6U6PrPo",
    ],
    ["AIzaFAYpBXrGapzW9DIevD0J1ZI_mqxc6f-BYRF", "AIzaFAYpBXrGapzW9DIevD0J1ZI_mqxc6f-BYRF"],
    ["tg_sk_live_0123456789abcdef0123456789abcdef", "tg_sk_live_0123456789abcdef0123456789abcdef"],
    [`Bearer ${JWT}`, JWT],
    ['db_password: "Tr0ub4dor&3x"', "Tr0ub4dor&3x"],
    ["client_secret=9fK2mQ7xLp4Rt8Vw3Zb6Nc1D", "9fK2mQ7xLp4Rt8Vw3Zb6Nc1D"],
    ["postgres://app:s3cretpw@db.internal/app", "postgres://app:s3cretpw@"],
  ])("finds the secret in %j", (text, expected) => {
    expect(found(detectSecret, text)).toEqual([expected]);
  });

  it("covers a whole PEM private key block", () => {
    const pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----";
    expect(found(detectSecret, `key:\n${pem}\nthanks`)).toEqual([pem]);
  });

  it.each([
    ["The commit hash is 5ebcef3f211081895fa0ea77b10e6c4572c15a0e."],
    ["The password field must be at least 12 characters; token: required."],
    ["Set api_key = os.environ['OPENAI_API_KEY'] in settings.py"],
    ["password=${DB_PASSWORD}"],
    ["token: <your-token-here>"],
    ["monkey=bananaBANANA12345678"],
    ["UUID 0df1e37e-b2a1-8a45-d9e7-fc0839802a57 identifies the job."],
    ["Ask for a task-oriented plan"],
  ])("ignores %j", (text) => {
    expect(found(detectSecret, text)).toEqual([]);
  });

  it("treats any real-looking password as secret but needs entropy for tokens", () => {
    expect(looksLikeSecretValue("password=", "hunter2")).toBe(true);
    expect(looksLikeSecretValue("token=", "aaaaaaaaaaaaaaaaaaaa1")).toBe(false);
  });

  it("finishes on an unterminated private key header repeated", () => {
    const text = "-----BEGIN PRIVATE KEY-----".repeat(2_000);
    expect(detectSecret(text).length).toBeGreaterThan(0);
  });
});
