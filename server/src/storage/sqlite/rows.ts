import { rowCodec } from '../row-codec.ts';

export { numOrNull, str, strOrNull, type Row } from '../row-codec.ts';

export const now = () => new Date().toISOString();

/** SQLite's row codec: booleans are stored as 0/1, times as ISO text, JSON as text. */
export const {
  toUser,
  toAgent,
  toAgentToken,
  toVisitor,
  toParticipant,
  toThread,
  toOwnership,
  toVisitorThread,
  toEvent,
  toMessage,
  toWebhook,
  toApproval,
  toRun,
} = rowCodec({
  bool: (value) => value === 1,
  time: (value) => value as string,
  json: (value) => JSON.parse(value as string) as unknown,
});
