/**
 * The words of a message's files (src/thread/message-attachments.tsx), in both languages: they
 * load with that chunk, on the first message with a file, not with the inbox.
 */
import type { AttachmentKind } from '../core/attachments/attachment-display.ts';
import type { AttachmentFailure } from '../core/attachments/attachment-fetch.ts';
import { useActiveLanguage, type Language } from './locale-store.ts';

export interface AttachmentStrings {
  /** The list of a message's files, for a screen reader. */
  files: (count: number) => string;
  /** A thumbnail's button: opens the image full size. */
  openImage: (name: string) => string;
  /** A file card's button: what it does and what it is. */
  downloadFile: (name: string, kind: string, size: string) => string;
  kind: Record<AttachmentKind, string>;
  loading: string;
  failure: Record<AttachmentFailure, string>;
  retry: string;
  download: string;
  close: string;
}

const en: AttachmentStrings = {
  files: (count) => (count === 1 ? 'Attached file' : `${count} attached files`),
  openImage: (name) => `Open image ${name}`,
  downloadFile: (name, kind, size) => `Download ${name} (${kind}, ${size})`,
  kind: { image: 'Image', pdf: 'PDF document', text: 'Text file', file: 'File' },
  loading: 'Loading…',
  failure: {
    gone: 'This file is no longer available.',
    denied: 'You may not open this file (sign in again?).',
    offline: 'The file could not be loaded: no connection.',
    failed: 'The file could not be loaded.',
  },
  retry: 'Try again',
  download: 'Download',
  close: 'Close',
};

const de: AttachmentStrings = {
  files: (count) => (count === 1 ? 'Angehängte Datei' : `${count} angehängte Dateien`),
  openImage: (name) => `Bild ${name} öffnen`,
  downloadFile: (name, kind, size) => `${name} herunterladen (${kind}, ${size})`,
  kind: { image: 'Bild', pdf: 'PDF-Dokument', text: 'Textdatei', file: 'Datei' },
  loading: 'Wird geladen…',
  failure: {
    gone: 'Diese Datei ist nicht mehr verfügbar.',
    denied: 'Sie dürfen diese Datei nicht öffnen (erneut anmelden?).',
    offline: 'Die Datei konnte nicht geladen werden: keine Verbindung.',
    failed: 'Die Datei konnte nicht geladen werden.',
  },
  retry: 'Erneut versuchen',
  download: 'Herunterladen',
  close: 'Schließen',
};

export const attachmentStringsFor = (language: Language): AttachmentStrings => (language === 'de' ? de : en);

/** The file words in the inbox's active language. */
export const useAttachmentStrings = (): AttachmentStrings => attachmentStringsFor(useActiveLanguage((state) => state.language));
