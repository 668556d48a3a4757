import {
  ClassifierReply,
  type ClassifierOutcome,
  type ClassifierRequest,
  type ClassifierSettings,
} from "../guardrails/sentinel/second-stage";

/** The slice of `fetch` the call uses, so tests can answer it with a mock endpoint. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Calls the project's external injection classifier within `timeout_ms` (the abort covers connection and
 * body). Never throws: every failure is an outcome, so the caller applies `on_failure`. The prompt text is
 * sent (that is the point) but never logged here.
 */
export async function askClassifier(
  settings: Pick<ClassifierSettings, "url" | "timeout_ms">,
  request: ClassifierRequest,
  fetchImpl: FetchLike = (url, init) => fetch(url, init),
): Promise<ClassifierOutcome> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Raced rather than trusted to the abort alone: the budget holds even if the endpoint's body stalls.
  const deadline = new Promise<ClassifierOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ kind: "failed", reason: "timeout" });
    }, settings.timeout_ms);
  });
  try {
    return await Promise.race([call(settings.url, request, controller.signal, fetchImpl), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function call(
  url: string,
  request: ClassifierRequest,
  signal: AbortSignal,
  fetchImpl: FetchLike,
): Promise<ClassifierOutcome> {
  try {
    const response = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(request),
      redirect: "manual",
      signal,
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { kind: "failed", reason: "http_status" };
    }
    const parsed = ClassifierReply.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) return { kind: "failed", reason: "invalid_reply" };
    return { kind: "answered", injection: parsed.data.injection, score: parsed.data.score };
  } catch {
    return { kind: "failed", reason: signal.aborted ? "timeout" : "network" };
  }
}
