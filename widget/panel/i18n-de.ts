/**
 * The panel's German words (i18n.ts has why they are a chunk of their own): loaded only for a
 * German visitor, before the panel first renders.
 */
import type { PanelStrings } from './i18n.ts';

export const de: PanelStrings = {
  chat: 'Chat',
  close: 'Chat schließen',
  newConversation: 'Neues Gespräch',
  unknownAgent: (slug) => `Dieser Chat ist nicht verfügbar: Es gibt keinen Agenten namens „${slug}“.`,
  unavailable: 'Der Chat ist gerade nicht erreichbar.',
  tryAgain: 'Erneut versuchen',
  somethingWrong: 'Im Chat ist etwas schiefgegangen.',

  repliesWithin: (count, unit) =>
    `Eine Person antwortet meist innerhalb von ${count} ${{ minute: 'Minute', hour: 'Stunde', day: 'Tag' }[unit]}${count === 1 ? '' : unit === 'day' ? 'en' : 'n'}.`,
  starting: 'Wird gestartet…',
  startFailed: 'Das Gespräch konnte nicht gestartet werden.',
  notAvailableHere: 'Dieser Chat ist auf dieser Website nicht verfügbar.',
  signInRequired: 'Bitte melden Sie sich auf dieser Website an, um mit uns zu chatten.',
  identityInvalid:
    'Wir konnten nicht bestätigen, wer Sie sind. Bitte melden Sie sich auf dieser Website erneut an und öffnen Sie dann den Chat wieder.',
  conversationReset: 'Ihr früheres Gespräch ist nicht mehr verfügbar; dies ist ein neues.',

  conversation: 'Gespräch',
  newMessages: 'Neue Nachrichten',
  showEarlier: 'Frühere Nachrichten anzeigen',
  you: 'Sie',
  teamMember: 'Teammitglied',
  assistant: 'Assistent',
  saidBy: (name, text) => `${name}: ${text}`,

  messageLabel: 'Nachricht',
  placeholder: 'Nachricht schreiben…',
  send: 'Senden',
  attach: 'Datei anhängen',
  filesNotKept: (names) =>
    `Ihre Nachricht wurde nicht gesendet: Die Seite wurde neu geladen, bevor ${names} gespeichert werden konnte. Bitte erneut anhängen, dann senden.`,
  attachFailed: 'Der Chat ist nicht erreichbar: Ihre Dateien bleiben erhalten und werden hinzugefügt, sobald Sie online sind.',
  counter: (used, max) => `${used} / ${max}`,
  tooLong: (over) => `${over} Zeichen zu lang`,

  thinking: 'Denkt nach…',
  tools: {
    lookup: { checking: 'Ein Teammitglied prüft, ob ich das nachsehen darf…', working: 'Ich sehe das für Sie nach…' },
    send_email: { checking: 'Ein Teammitglied prüft die E-Mail, bevor ich sie sende…', working: 'Die E-Mail wird gesendet…' },
  },
  anyTool: { checking: 'Das Team prüft einen Schritt, bevor ich weitermache…', working: 'Ich arbeite an Ihrer Anfrage…' },
  approved: 'Ein Teammitglied hat es freigegeben.',
  rejected: 'Ein Teammitglied hat es abgelehnt.',
  approvalExpired: 'Die Freigabe kam nicht rechtzeitig.',
  escalated: 'Eine Person aus dem Team wird sich dem Gespräch anschließen.',
  joined: (name) => `${name} aus dem Team ist dem Gespräch beigetreten.`,
  replyFailed: 'Der Assistent konnte nicht antworten. Bitte versuchen Sie es erneut.',
  typing: (name) => `${name} schreibt…`,
  talkToPerson: 'Mit einer Person sprechen',
  waitingForPerson: 'Warten auf eine Person…',
  resolved: 'Dieses Gespräch wurde abgeschlossen.',

  sending: 'Wird gesendet…',
  waitingToSend: 'Wartet auf das Senden…',
  notSent: 'Nicht gesendet.',
  retry: 'Erneut senden',
  discard: 'Löschen',

  paused: 'Pausiert – senden Sie eine Nachricht, um fortzufahren.',
  gone: 'Dieses Gespräch ist nicht mehr verfügbar.',
  startNew: 'Neues Gespräch beginnen',
  reconnectingIn: (seconds) => `Verbindung wird wiederhergestellt… nächster Versuch in ${seconds} s.`,
  reconnecting: 'Verbindung wird wiederhergestellt…',
  retryNow: 'Jetzt versuchen',
  offline: 'Sie sind offline. Nachrichten werden gesendet, sobald Sie wieder online sind.',
  connectFailed: 'Keine Verbindung zum Chat möglich.',
  rateLimited: (seconds) => `Zu viele Nachrichten; versuchen Sie es in ${seconds} s erneut.`,
  agentError: 'Etwas ist schiefgegangen. Bitte versuchen Sie es erneut.',
  newReply: 'Neue Antwort',
  dismissPreview: 'Ausblenden',
  earlierConversations: 'Frühere Gespräche',
  deleteConversation: 'Dieses Gespräch löschen',
  markdown: { code: 'Code', table: 'Tabelle', image: 'Bild', done: 'Erledigt', notDone: 'Offen' },
};
