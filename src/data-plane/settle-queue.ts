import { projectGate } from "../limits/gate-client";
import type { SettleInput } from "../limits/gate-types";

/**
 * Settlements leave the worker in batches: a project's first settlement starts a short wait (in that
 * request's `waitUntil`), those that arrive meanwhile join it, and one `settleMany` call carries them all.
 * Why: every settlement is a write at the project's gate, and while a write commits the gate's replies —
 * admissions included — wait; one commit per batch instead of one per request keeps admission fast under
 * load. A batch lost with its isolate is settled by the gate's alarm as `abandoned`, as a single lost
 * settlement always was (docs/limits.md).
 *
 * A request that joins a batch is told it was sent by a plain callback, never by the batch's promise: that
 * promise belongs to the request that opened the batch, and a continuation a later request hangs on it is
 * resolved from the opener's context after the later request may have ended — workerd then cancels it and
 * prints "A promise was resolved or rejected from a different request context" (once per joined request).
 */
export const SETTLE_BATCH_DELAY_MS = 25;
const SETTLE_BATCH_MAX = 100;

interface Batch {
  inputs: SettleInput[];
  onSent: (() => void)[];
}

const openBatches = new Map<string, Batch>();

/** Queues `input`; `onSent` runs (in the sending request's context) once its batch reached the gate or failed. */
export function queueSettlement(
  ctx: Pick<ExecutionContext, "waitUntil">,
  env: Pick<Env, "PROJECT_GATE">,
  projectId: string,
  input: SettleInput,
  onSent?: () => void,
): void {
  const open = openBatches.get(projectId);
  if (open) {
    open.inputs.push(input);
    if (onSent) open.onSent.push(onSent);
    // A full batch closes; its sender still takes it when its wait ends, and the next settlement opens a new one.
    if (open.inputs.length >= SETTLE_BATCH_MAX) openBatches.delete(projectId);
    return;
  }
  const batch: Batch = { inputs: [input], onSent: onSent ? [onSent] : [] };
  openBatches.set(projectId, batch);
  ctx.waitUntil(sendAfterDelay(env, projectId, batch));
}

async function sendAfterDelay(env: Pick<Env, "PROJECT_GATE">, projectId: string, batch: Batch): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_BATCH_DELAY_MS));
  if (openBatches.get(projectId) === batch) openBatches.delete(projectId);
  // A failure leaves the reservations open; the gate's alarm settles them as abandoned.
  await projectGate(env, projectId)
    .settleMany(batch.inputs)
    .catch(() => undefined);
  for (const notify of batch.onSent) notify();
}
