import type { Context } from "hono";
import type { DataPlaneEnv } from "../../http/app-env";
import { translatedRoute } from "../translated-route";
import { chatToResponse, type ResponseObject } from "./from-chat";
import { saveStoredResponse } from "./store";
import { storedRecord } from "./stored-record";
import { responsesStreamTranslator } from "./stream";

/**
 * `POST /v1/responses` after the pipeline: the chat answer rendered as a Response or its event stream, and,
 * unless `store: false`, the response kept (in the form the provider saw) once it is complete. Storing runs in
 * `waitUntil`: the client never waits for it, and a failed store only means the id cannot be continued.
 */
export async function createResponse(c: Context<DataPlaneEnv>): Promise<Response> {
  const state = c.var.responses;
  const storage = { store: state?.store ?? false, previousResponseId: state?.previousResponseId ?? null };
  const keep = (response: ResponseObject) => {
    if (!storage.store || !state) return;
    const { admission, settings, project, claims } = c.var;
    const conversation = admission.newMessages.slice(state.instructionMessages);
    const record = storedRecord(conversation, response, admission.placeholders ?? {});
    const owner = { projectId: project.id, uid: claims.uid };
    c.executionCtx.waitUntil(
      saveStoredResponse(c.env, owner, response.id, record, settings.retention_days).catch(() => undefined),
    );
  };
  return translatedRoute({
    whole(completion) {
      const response = chatToResponse(completion, storage);
      keep(response);
      return response;
    },
    stream: () => responsesStreamTranslator({ storage, onCompleted: keep }),
  })(c);
}
