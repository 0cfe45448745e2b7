import type { AttachmentStrings } from './catalog-attachments-en.ts';

/** The upload tray's words in German (see catalog-attachments-en.ts). */
export const attachmentsDe: AttachmentStrings = {
  tray: 'Dateien zum Senden',
  remove: (name) => `${name} entfernen`,
  kinds: { image: 'Bilder', pdf: 'PDF-Dateien', text: 'Textdateien' },
  and: 'und',
  type: (name, kinds) => `${name}: Dieser Chat nimmt ${kinds} an`,
  size: (name, size, limit) => `${name} ist ${size} groß; erlaubt sind höchstens ${limit}`,
  empty: (name) => `${name} ist leer`,
  count: (name, max) => `${name}: höchstens ${max} Dateien pro Nachricht`,
  uploading: (names) => `${names} wird hochgeladen`,
  progress: (sent, total) => `${sent} von ${total}`,
  cancelLabel: 'Abbrechen',
  cancel: (names) => `Senden von ${names} abbrechen`,
  tooLarge: (name) => `${name} ist größer, als dieser Server annimmt`,
  sendWithout: (name) => `Ohne ${name} senden`,
};
