/** The privacy words (see `catalog-privacy-en.ts`) in German. */
import type { PrivacyStrings } from './catalog-privacy-en.ts';
import { plural } from './plural.ts';

const LOCALE = 'de';
const count = (n: number) => n.toLocaleString(LOCALE);

export const privacyDe: PrivacyStrings = {
  messageDeleted: 'Nachricht gelöscht',
  threadDeleted: 'Diese Unterhaltung wurde gelöscht. Von ihr kann nichts mehr angezeigt werden.',
  backToThreads: 'Zurück zu den Unterhaltungen',
  messageMenu: (sender: string) => `Nachricht von ${sender}: Aktionen`,
  deleteMessage: 'Löschen',
  deleteMessageTitle: 'Diese Nachricht löschen?',
  deleteMessageBody:
    'Ihr Text und ihre Dateien werden für alle in dieser Unterhaltung gelöscht. Sie erscheint als „Nachricht gelöscht“. Das lässt sich nicht rückgängig machen.',
  confirmDelete: 'Nachricht löschen',
  cancel: 'Abbrechen',
  deleting: 'Wird gelöscht …',
  deleteFailed: (reason: string) => `Die Nachricht wurde nicht gelöscht: ${reason}`,
  exportVisitor: 'Daten dieses Besuchers exportieren',
  eraseVisitor: 'Diesen Besucher löschen …',
  exporting: 'Export wird vorbereitet …',
  exported: (file: string) => `${file} heruntergeladen.`,
  exportFailed: (reason: string) => `Der Export ist fehlgeschlagen: ${reason}`,
  findingVisitor: 'Besucher wird gesucht …',
  visitorNotFound: 'Der Besucher dieser Unterhaltung wurde nicht gefunden; es gibt nichts zu exportieren oder zu löschen.',
  findFailed: (reason: string) => `Der Besucher konnte nicht gesucht werden: ${reason}`,
  eraseTitle: 'Diesen Besucher löschen?',
  visitorLabel: (name: string | null, email: string | null) =>
    name && email ? `${name} (${email})` : name || email || 'Ein anonymer Besucher',
  eraseSummary: (who: string, conversations: number) =>
    plural(LOCALE, conversations, {
      one: `${who} und die ${count(conversations)} Unterhaltung werden gelöscht: jede Nachricht, Notiz und Datei darin.`,
      other: `${who} und alle ${count(conversations)} Unterhaltungen werden gelöscht: jede Nachricht, Notiz und Datei darin.`,
    }),
  eraseWarning: 'Das lässt sich nicht rückgängig machen. Exportieren Sie die Daten vorher, wenn Sie eine Kopie brauchen.',
  confirmErase: 'Besucher löschen',
  erasing: 'Wird gelöscht …',
  eraseFailed: (reason: string) => `Der Besucher wurde nicht gelöscht: ${reason}`,
  retention: 'Aufbewahrung von Unterhaltungen mit Besuchern',
  retentionIntro:
    'Unterhaltungen mit Besuchern können gelöscht werden, wenn eine Weile nichts in ihnen geschehen ist: jede Nachricht, Notiz und Datei, und der Besucher mit ihnen.',
  keepForever: 'Für immer behalten',
  eraseAfter: 'Unterhaltungen mit Besuchern nach einer Anzahl Tage ohne Aktivität löschen',
  retentionDays: 'Tage ohne Aktivität',
  retentionDaysHint: 'Brüche sind erlaubt: 0,5 sind zwölf Stunden. Mindestens eine Minute (0,0007), höchstens 3.650 (zehn Jahre).',
  retentionInvalid: 'Geben Sie eine Anzahl Tage von 0,0007 (eine Minute) bis 3.650 (zehn Jahre) ein, zum Beispiel 30 oder 0,5.',
  saveRetention: 'Speichern',
};
