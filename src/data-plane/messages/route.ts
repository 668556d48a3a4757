import { translatedRoute } from "../translated-route";
import { chatToMessage } from "./from-chat";
import { messagesStreamTranslator } from "./stream";

/** `POST /v1/messages` after the pipeline: the chat answer rendered as an Anthropic Message or its event stream. */
export const createMessage = translatedRoute({ whole: chatToMessage, stream: messagesStreamTranslator });
