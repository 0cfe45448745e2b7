/**
 * The body of `POST /chat/threads/{id}/notes` (CONTRACT §11): a private note, with a send's
 * rules for its text and its idempotency key (§4). Its own module, so that the widget,
 * which never writes notes, does not carry it.
 */
import * as v from 'valibot';
import { clientMessageIdSchema, contentSchema } from './client-frames.ts';

export const noteInputSchema = v.object({ content: contentSchema, client_message_id: clientMessageIdSchema });
export type NoteInput = v.InferOutput<typeof noteInputSchema>;
