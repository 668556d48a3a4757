import { describe, expect, it } from "vitest";
import { memoryKey, SessionId } from "../../src/memory/key";

describe("memoryKey", () => {
  it("names project, user and session", () => {
    expect(memoryKey({ projectId: "p1", uid: "alice", session: "s1" })).toBe("tg:mem:v1:p1:alice:s1");
  });

  // Each row: two scopes that a naive `join(":")` would map to the same key.
  it.each([
    [
      { projectId: "p", uid: "alice:s1", session: "x" },
      { projectId: "p", uid: "alice", session: "s1:x" },
    ],
    [
      { projectId: "p:alice", uid: "s", session: "x" },
      { projectId: "p", uid: "alice:s", session: "x" },
    ],
    [
      { projectId: "p", uid: "a%3Ab", session: "x" },
      { projectId: "p", uid: "a:b", session: "x" },
    ],
    [
      { projectId: "p", uid: "", session: "a:b" },
      { projectId: "p", uid: "a", session: "b" },
    ],
  ])("keeps %o and %o apart", (one, other) => {
    expect(memoryKey(one)).not.toBe(memoryKey(other));
  });

  it("leaves exactly three raw separators after the prefix whatever the components hold", () => {
    const key = memoryKey({ projectId: "p:q", uid: "u:v:w", session: "s::" });
    expect(key.slice("tg:mem:v1:".length).split(":")).toHaveLength(3);
  });
});

describe("SessionId", () => {
  it.each([["chat-42"], ["3f1e9c2a-7b6d-4e1f-9a0b-123456789abc"], ["a:b/c?d"], ["x".repeat(128)]])(
    "accepts %s",
    (id) => {
      expect(SessionId.safeParse(id).success).toBe(true);
    },
  );
  it.each([[""], ["has space"], ["x".repeat(129)], ["tab\there"], ["é"]])("rejects %j", (id) => {
    expect(SessionId.safeParse(id).success).toBe(false);
  });
});
