import { projectGate } from "../limits/gate-client";
import type { SettleInput } from "../limits/gate-types";

/**
 * Settlements leave the worker in batches: a project's first settlement starts a short wait (in that
 * request's `waitUntil`), those that arrive meanwhile join it, and one `settleMany` call carries them all.
 * Why: every settlement is a write at the project's gate, and while a write commits the gate's replies —
 * admissions included — wait; one commit per batch instead of one per request keeps admission fast under
 * load. A batch lost with its isolate is settled by the gate's alarm as `abandoned`, as a single lost
 * settlement always was (docs/limits.md).
 */
export const SETTLE_BATCH_DELAY_MS = 25;
const SETTLE_BATCH_MAX = 100;

const openBatches = new Map<string, { inputs: SettleInput[]; sent: Promise<void> }>();

/** Resolves once the batch holding `input` reached the gate or failed (never rejects): the trace's settlement span. */
export function queueSettlement(
  ctx: Pick<ExecutionContext, "waitUntil">,
  env: Pick<Env, "PROJECT_GATE">,
  projectId: string,
  input: SettleInput,
): Promise<void> {
  const open = openBatches.get(projectId);
  if (open) {
    open.inputs.push(input);
    // A full batch closes; its sender still takes it when its wait ends, and the next settlement opens a new one.
    if (open.inputs.length >= SETTLE_BATCH_MAX) openBatches.delete(projectId);
    return open.sent;
  }
  const inputs = [input];
  const sent = sendAfterDelay(env, projectId, inputs);
  openBatches.set(projectId, { inputs, sent });
  ctx.waitUntil(sent);
  return sent;
}

async function sendAfterDelay(env: Pick<Env, "PROJECT_GATE">, projectId: string, batch: SettleInput[]): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_BATCH_DELAY_MS));
  if (openBatches.get(projectId)?.inputs === batch) openBatches.delete(projectId);
  // A failure leaves the reservations open; the gate's alarm settles them as abandoned.
  await projectGate(env, projectId)
    .settleMany(batch)
    .catch(() => undefined);
}
