import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OtlpReceiver, startOtlpReceiver } from "../../scripts/lib/otlp-receiver";
import { EXPORT_TIMEOUT_MS } from "../../src/telemetry/exporter";
import { startGateway, type RunningGateway } from "./support/gateway";
import { GatewayClient, type ProjectSetup } from "./support/gateway-client";
import { waitFor } from "./support/sse";

/**
 * An OTLP backend that accepts connections and never answers must not hold a request: requests complete
 * while the gateway's export POSTs hang, and the gateway gives those POSTs up after its time bound.
 */
let gateway: RunningGateway;
let receiver: OtlpReceiver;
let client: GatewayClient;
let project: ProjectSetup;

beforeAll(async () => {
  receiver = await startOtlpReceiver({ hang: true });
  gateway = await startGateway({ vars: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } });
  client = new GatewayClient(gateway);
  project = await client.setupProject();
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await receiver?.close();
});

const ask = (stream: boolean) => ({
  model: "mock/tollgate-mock",
  messages: [{ role: "user", content: "Say hello" }],
  stream,
});

describe("an exporter whose backend hangs", () => {
  it("does not hold requests: they complete while export POSTs are pending, unanswered", async () => {
    expect((await client.chat(project, ask(false))).status).toBe(200);
    await waitFor(() => receiver.pending > 0, { timeoutMs: 30_000, what: "an export POST to arrive" });
    const pendingBefore = receiver.pending;
    const during = await Promise.all([client.chat(project, ask(true)), client.chat(project, ask(false))]);
    expect(during.map((res) => res.status)).toEqual([200, 200]);
    expect(during[0]?.text).toContain("[DONE]");
    // The receiver answers nothing, ever: these requests completed with an export already outstanding.
    expect(pendingBefore).toBeGreaterThan(0);
  });

  it("gives up a hanging POST after its time bound (AbortSignal.timeout)", async () => {
    // Bound plus generous slack for a loaded machine; the point is that the connection is closed by the sender.
    await waitFor(() => receiver.abandoned > 0, {
      timeoutMs: EXPORT_TIMEOUT_MS + 25_000,
      what: "the gateway to hang up",
    });
    expect(receiver.abandoned).toBeGreaterThan(0);
  });
});
