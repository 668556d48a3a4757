import { describe, expect, it } from "vitest";
import { projectGate } from "../../src/limits/gate-client";
import { ProjectSettings } from "../../src/settings/schema";

/** A namespace that records how each stub was asked for. */
function recordingNamespace() {
  const calls: { id: string; options: unknown }[] = [];
  const namespace = {
    idFromName: (name: string) => `id:${name}`,
    get: (id: string, options?: unknown) => {
      calls.push({ id, options });
      return {};
    },
  };
  return { calls, env: { PROJECT_GATE: namespace } as unknown as Pick<Env, "PROJECT_GATE"> };
}

describe("where a project's gate is created", () => {
  it("asks Cloudflare to create it in the hinted region when the project names one", () => {
    const { calls, env } = recordingNamespace();
    projectGate(env, "prj_a", { locationHint: "apac" });
    expect(calls).toEqual([{ id: "id:prj_a", options: { locationHint: "apac" } }]);
  });

  it("gives no hint otherwise, so the object is created near its first caller", () => {
    const { calls, env } = recordingNamespace();
    projectGate(env, "prj_b");
    projectGate(env, "prj_b", {});
    expect(calls).toEqual([
      { id: "id:prj_b", options: undefined },
      { id: "id:prj_b", options: undefined },
    ]);
  });

  it("accepts only Cloudflare's location hints as the setting", () => {
    const field = ProjectSettings.shape.gate_location_hint;
    expect(field.safeParse("weur").success).toBe(true);
    expect(field.safeParse(null).success).toBe(true);
    expect(field.safeParse("eu-west-1").success).toBe(false);
  });
});
