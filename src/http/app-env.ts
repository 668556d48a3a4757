import type { IpVerdict } from "../limits/ip-ratelimit";
import type { ProjectJwtClaims } from "../auth/jwt-claims";
import type { EmbeddingsRequest } from "../data-plane/embeddings/request";
import type { CachedAnswer, CachedAnswerBody } from "../cache/answer";
import type { PayingCredentials, Remaining } from "../limits/gate-types";
import type { RateLimitState } from "../limits/rate-limit-state";
import type { ChatRequest } from "../providers/openai-schema";
import type { ProjectSettings } from "../settings/schema";
import type { RequestTrace } from "../telemetry/request-trace";

/** Who is calling the control plane: the operator (bootstrap secret) or one tenant's admin credential. */
export type Actor = { kind: "operator"; id: "operator" } | { kind: "tenant_admin"; id: string; tenantId: string };

/** The project a data-plane request is for, resolved from the Host header only. Immutable facts only. */
export interface ProjectRef {
  id: string;
  tenantId: string;
  slug: string;
}

export type ProjectClaims = ProjectJwtClaims;

export interface ControlPlaneEnv {
  Bindings: Env;
  Variables: { requestId: string; actor: Actor };
}

export interface DataPlaneEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** This request's trace ids and timed phases (src/telemetry/), set by the request log. */
    trace: RequestTrace;
    project: ProjectRef;
    claims: ProjectClaims;
    rateLimit: RateLimitState | undefined;
    /** The per-IP check on Redis, started at entry and awaited before the provider call; unset without Redis. */
    ipCheck: Promise<IpVerdict> | undefined;
    /** Effective settings after tier merge, as returned by admission. */
    settings: ProjectSettings;
    /** The parsed chat request; guardrail and memory steps replace `messages` as they go. */
    chat: ChatRequest;
    /** `POST /v1/embeddings` only: its parsed body (the texts themselves are read from `chat` after PII Shield). */
    embeddings?: EmbeddingsRequest;
    /** Set once admission reserved budget for this request: it must be settled exactly once. */
    admission: AdmissionState;
    /** Set by the Responses parse step only: what `store` and `previous_response_id` asked for. */
    responses: ResponsesState | undefined;
    /** The sealed BYOK keys that may pay for this project, as admission returned them (no D1 read). */
    credentials: PayingCredentials;
    /** What the response cache did for this request (docs/cache.md); unset until the cache step ran. */
    cache: CacheState | undefined;
  };
}

export interface ResponsesState {
  store: boolean;
  previousResponseId: string | null;
  /** Leading chat messages that are this request's `instructions`, not conversation (0 or 1). */
  instructionMessages: number;
}

/** The response cache's part in one request: the answer header, and on a miss where to store the answer. */
export type CacheState =
  | { status: "BYPASS" }
  /** The handler answers from `entry` instead of calling the provider (and renders it as its API does). */
  | { status: "HIT"; entry: CachedAnswer }
  | {
      status: "MISS";
      /** Keeps an answer the provider gave in full, with its token counts (in waitUntil; never fails the request). */
      store: (answer: CachedAnswerBody, usage: { promptTokens: number; completionTokens: number }) => void;
    };

/** What one admitted request carries from admission to settlement. */
export interface AdmissionState {
  startedAt: number;
  /** The JWT's `uid`: the user the request is charged to. */
  userId: string;
  /** The project's cost center as admission saw it (for the trace; the ledger reads the gate's snapshot). */
  costCenter?: string | null;
  /** Budget left after this request's worst-case reservation, and that reservation. */
  remaining: Remaining;
  /** `completionTokens`: of `tokens`, the completion part (what a client abort without usage is charged). */
  reserved: { tokens: number; completionTokens: number; microUsd: number };
  /** The provider/model this request will call (request's model or the project's). */
  target: { provider: string; model: string };
  sessionId: string | null;
  /** Types, counts and families only: never values or prompt text. */
  guardrailEvents: GuardrailEvent[];
  /** The request's user-side messages as the provider saw them (after PII policy), for memory. */
  newMessages: ChatRequest["messages"];
  /** Placeholder → original, when PII masking rewrote the request; restored in the answer. */
  placeholders?: Readonly<Record<string, string>>;
  /** Admitted with nothing reserved, for the response cache to answer; a miss must reserve before the call. */
  deferred?: boolean;
  /** Set by the handler when it takes over settlement (it will settle when the stream ends). */
  settledBy?: "handler";
  /** A whole (non-streamed) answer's token counts, for the request log line. */
  usage?: { promptTokens: number; completionTokens: number };
  /** A stream's token counts once it has ended (null if they cannot be known); the request log line waits for them. */
  streamUsage?: Promise<{ promptTokens: number; completionTokens: number } | null>;
}

export type GuardrailEvent =
  | { kind: "pii"; mode: "shadow" | "enforce"; action: string; findings: { type: string; count: number }[] }
  | { kind: "pii_output"; mode: "shadow" | "enforce"; findings: { type: string; count: number }[] }
  | {
      kind: "sentinel";
      mode: "shadow" | "enforce";
      score: number;
      families: string[];
      /** Set when the borderline band sent the prompt to the external classifier. */
      second_stage?: "injection" | "benign" | "timeout" | "http_status" | "invalid_reply" | "network";
    }
  /** Why a request admitted and then refused or failed was stopped (its error code). */
  | { kind: "refusal"; code: string };
