/**
 * Unread, counted in one place for the inbox and the widget: the messages of others after the
 * read position, each seq once. One's own messages are never unread (sending is not reading,
 * but nobody has to read what they wrote). Framework-free and tiny: the widget ships it.
 */

/** What a message needs for the count. */
export interface UnreadCandidate {
  seq: number | null;
  senderId: string;
}

/** Whether a message can be unread for `selfSenderId`: only others' messages can. */
export const isFromOthers = (message: { senderId: string }, selfSenderId: string): boolean => message.senderId !== selfSenderId;

/** How many of `seqsFromOthers` (others' messages, by seq) lie after `readSeq`; a seq listed twice counts once. */
export function countUnreadSeqs(readSeq: number, seqsFromOthers: Iterable<number>): number {
  const unread = new Set<number>();
  for (const seq of seqsFromOthers) if (seq > readSeq) unread.add(seq);
  return unread.size;
}

/** The unread count of `messages` for `selfSenderId` read up to `readSeq`; a message without a seq is not counted. */
export function countUnread(readSeq: number, messages: Iterable<UnreadCandidate>, selfSenderId: string): number {
  const seqs: number[] = [];
  for (const message of messages) if (message.seq !== null && isFromOthers(message, selfSenderId)) seqs.push(message.seq);
  return countUnreadSeqs(readSeq, seqs);
}
