/**
 * The inbox's upload tray words (CONTRACT §13), in English: the reference for
 * `catalog-attachments-de.ts`. They load with the tray (src/composer/attach-tray.tsx) on the
 * first attach, paste or drop, not with the inbox; only the attach button's name is in `catalog-en.ts`.
 */
export const attachmentsEn = {
  tray: 'Files to send',
  remove: (name: string) => `Remove ${name}`,
  kinds: { image: 'images', pdf: 'PDF files', text: 'text files' } as Record<string, string>,
  and: 'and',
  type: (name: string, kinds: string) => `${name}: this chat accepts ${kinds}`,
  size: (name: string, size: string, limit: string) => `${name} is ${size}; the limit is ${limit}`,
  empty: (name: string) => `${name} is empty`,
  count: (name: string, max: number) => `${name}: at most ${max} files per message`,
  /** A sent message's files going up (src/thread/pending-uploads.tsx): the progress bar's name, value and cancel. */
  uploading: (names: string) => `Uploading ${names}`,
  progress: (sent: string, total: string) => `${sent} of ${total}`,
  cancelLabel: 'Cancel',
  cancel: (names: string) => `Cancel sending ${names}`,
  /** The server refused a sent file as too large (its 413 did not name the limit). */
  tooLarge: (name: string) => `${name} is larger than this server accepts`,
  sendWithout: (name: string) => `Send without ${name}`,
};

export type AttachmentStrings = typeof attachmentsEn;
