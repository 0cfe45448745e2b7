/**
 * The words of "Delete this conversation" (delete-confirm.tsx) and of the end of a deleted
 * conversation (conversation-gone.tsx), per panel language: they load with them, on demand
 * (privacy-ui.ts), not with the chat. A missing translation is a type error.
 */
export interface PrivacyWords {
  deleteQuestion: string;
  /** What goes, said plainly: the conversation and everything in it, on the server and here, for good. */
  deleteDetail: string;
  deleteConfirm: string;
  deleting: string;
  cancel: string;
  /** The server did not erase it (offline, an error): nothing was deleted. */
  deleteFailed: string;
  /** The end state after the visitor deleted it. */
  deleted: string;
  /** The end state when the website erased it while it was open. */
  erasedBySite: string;
  startNew: string;
}

const en: PrivacyWords = {
  deleteQuestion: 'Delete this conversation?',
  deleteDetail:
    'This conversation and everything in it (your messages, the replies and any files) will be deleted from the server and from this device. This cannot be undone.',
  deleteConfirm: 'Delete',
  deleting: 'Deleting…',
  cancel: 'Cancel',
  deleteFailed: 'The conversation could not be deleted. Check your connection and try again; nothing was deleted.',
  deleted: 'Your conversation was deleted.',
  erasedBySite: 'This conversation is no longer available: it was deleted by the website.',
  startNew: 'Start a new conversation',
};

const de: PrivacyWords = {
  deleteQuestion: 'Dieses Gespräch löschen?',
  deleteDetail:
    'Dieses Gespräch und alles darin (Ihre Nachrichten, die Antworten und alle Dateien) wird auf dem Server und auf diesem Gerät gelöscht. Das lässt sich nicht rückgängig machen.',
  deleteConfirm: 'Löschen',
  deleting: 'Wird gelöscht …',
  cancel: 'Abbrechen',
  deleteFailed:
    'Das Gespräch konnte nicht gelöscht werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut; es wurde nichts gelöscht.',
  deleted: 'Ihr Gespräch wurde gelöscht.',
  erasedBySite: 'Dieses Gespräch ist nicht mehr verfügbar: Die Website hat es gelöscht.',
  startNew: 'Neues Gespräch beginnen',
};

export function privacyWords(lang: string): PrivacyWords {
  return lang === 'de' ? de : en;
}
