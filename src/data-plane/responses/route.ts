import { translatedRoute } from "../translated-route";
import { chatToResponse } from "./from-chat";
import { responsesStreamTranslator } from "./stream";

/** `POST /v1/responses` after the pipeline: the chat answer rendered as a Response or its event stream. */
export const createResponse = translatedRoute({ whole: chatToResponse, stream: responsesStreamTranslator });
