/**
 * The words of the upload tray (attach-tray.tsx), per panel language (`en` or `de`, i18n.ts
 * `languageOf`). They load with the tray's chunk on the visitor's first attach, paste or
 * drop, not with the chat; only the attach button's name is in the panel's catalog.
 */
import type { AttachmentKind } from '../../src/core/attachments/attachment-limits.ts';

export interface AttachWords {
  tray: string;
  remove(name: string): string;
  uploading(name: string): string;
  cancel(name: string): string;
  kinds: Record<AttachmentKind, string>;
  and: string;
  type(name: string, kinds: string): string;
  size(name: string, size: string, limit: string): string;
  empty(name: string): string;
  count(name: string, max: number): string;
}

export const ATTACH_WORDS: Record<string, AttachWords> = {
  en: {
    tray: 'Files to send',
    remove: (name) => `Remove ${name}`,
    uploading: (name) => `Uploading ${name}`,
    cancel: (name) => `Cancel sending ${name}`,
    kinds: { image: 'images', pdf: 'PDF files', text: 'text files' },
    and: 'and',
    type: (name, kinds) => `${name}: this chat accepts ${kinds}`,
    size: (name, size, limit) => `${name} is ${size}; the limit is ${limit}`,
    empty: (name) => `${name} is empty`,
    count: (name, max) => `${name}: at most ${max} files per message`,
  },
  de: {
    tray: 'Dateien zum Senden',
    remove: (name) => `${name} entfernen`,
    uploading: (name) => `${name} wird hochgeladen`,
    cancel: (name) => `Senden von ${name} abbrechen`,
    kinds: { image: 'Bilder', pdf: 'PDF-Dateien', text: 'Textdateien' },
    and: 'und',
    type: (name, kinds) => `${name}: Dieser Chat nimmt ${kinds} an`,
    size: (name, size, limit) => `${name} ist ${size} groß; erlaubt sind höchstens ${limit}`,
    empty: (name) => `${name} ist leer`,
    count: (name, max) => `${name}: höchstens ${max} Dateien pro Nachricht`,
  },
};
