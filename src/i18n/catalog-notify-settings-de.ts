/** The notification settings screen's words in German; `NotifySettingsStrings` keeps its keys in step with English. */
import type { NotifySettingsStrings } from './catalog-notify-settings-en.ts';

export const notifySettingsDe: NotifySettingsStrings = {
  title: 'Benachrichtigungen einstellen',
  intro: 'Wählen Sie, wie Sie von Unterhaltungen erfahren, wenn Sie nicht in den Posteingang schauen.',
  loading: 'Ihre Benachrichtigungs-Einstellungen werden geladen…',
  loadFailed: (reason) => `Ihre Benachrichtigungs-Einstellungen konnten nicht geladen werden: ${reason}`,

  channelsTitle: 'Was Sie erreicht, und wo',
  channelsIntro:
    'Im Posteingang: die Liste der Benachrichtigungen hier. Push: eine Benachrichtigung auf den Geräten, auf denen Sie Push eingeschaltet haben. E-Mail: an Ihre Adresse, nach der Wartezeit unten.',
  kindColumn: 'Wann',
  channel: { in_app: 'Im Posteingang', push: 'Push', email: 'E-Mail' },
  kind: {
    mention: 'Wenn jemand Sie erwähnt',
    assigned: 'Wenn Ihnen jemand eine Unterhaltung zuweist',
    waiting: 'Wenn eine Unterhaltung auf einen Menschen wartet',
    approval_pending: 'Wenn ein Agent um Ihre Freigabe bittet',
    message: 'Jede neue Nachricht in Ihren Unterhaltungen',
  },
  channelFor: (channel, kind) => `${channel}: ${kind}`,
  emailNotOffered: 'Keine E-Mail für jede Nachricht',

  delayTitle: 'Wartezeit für E-Mails',
  delayLabel: 'Vor dem Mailen warten (Minuten)',
  delayHint: (max) =>
    `Von 0 bis ${max}. E-Mails warten so lange, lassen aus, was Sie inzwischen gelesen haben, und was wartet, geht als eine E-Mail hinaus.`,
  delayInvalid: (max) => `Geben Sie die Minuten als ganze Zahl von 0 bis ${max} ein.`,

  quietTitle: 'Ruhezeiten',
  quietOn: 'Push und E-Mail während der Ruhezeiten zurückhalten',
  quietHint:
    'Während der Ruhezeiten wird nichts gepusht oder gemailt; was hereinkam, wird an ihrem Ende gesendet. Der Posteingang zeigt es trotzdem.',
  quietStart: 'Von',
  quietEnd: 'Bis',
  timeZone: 'Zeitzone',
  timeInvalid: 'Geben Sie eine Uhrzeit als Stunden und Minuten ein, etwa 22:00.',
  timesEqual: 'Die Ruhezeiten müssen zu einer anderen Zeit enden, als sie beginnen.',
  timeZoneInvalid: 'Wählen Sie eine Zeitzone aus der Liste.',

  languageTitle: 'Sprache von E-Mails und Push',
  languageIs: (language) => `E-Mails und Push-Benachrichtigungen werden auf ${language} geschrieben, der Sprache Ihres Posteingangs.`,
  languageHint: 'Um sie zu ändern, ändern Sie „Sprache“ im Menü.',
  languageName: { en: 'Englisch', de: 'Deutsch' },

  save: 'Benachrichtigungs-Einstellungen speichern',
  saving: 'Wird gespeichert…',
  saved: 'Gespeichert.',
  saveFailed: (reason) => `Nicht gespeichert: ${reason} Ihre Änderungen sind noch da; versuchen Sie es erneut.`,
  fixProblems: 'Nicht gespeichert: Einige Felder müssen korrigiert werden (siehe unten).',

  pushTitle: 'Push auf diesem Gerät',
  pushChecking: 'Es wird geprüft, was dieser Browser kann…',
  pushUnsupported:
    'Dieser Browser kann keine Push-Benachrichtigungen empfangen. Verwenden Sie eine aktuelle Version von Chrome, Edge, Firefox oder Safari (auf dem iPhone fügen Sie den Posteingang zuerst zum Home-Bildschirm hinzu).',
  pushOff:
    'Push ist auf diesem Gerät nicht eingeschaltet. Wenn Sie es einschalten, fragt Ihr Browser, ob diese Seite Benachrichtigungen zeigen darf.',
  pushEnable: 'Push auf diesem Gerät einschalten',
  pushEnabling: 'Push wird eingeschaltet…',
  pushBlocked: 'Benachrichtigungen sind für diese Seite in diesem Browser blockiert, daher erreicht Push dieses Gerät nicht.',
  pushBlockedHelp:
    'Um sie freizugeben, öffnen Sie die Website-Einstellungen Ihres Browsers (das Symbol links neben der Adresse), stellen Sie Benachrichtigungen auf „Zulassen“ und laden Sie die Seite neu.',
  pushOn: 'Push ist auf diesem Gerät eingeschaltet.',
  pushDisable: 'Auf diesem Gerät ausschalten',
  pushDisabling: 'Push wird ausgeschaltet…',
  pushFailed: (reason) => `Push konnte nicht geändert werden: ${reason}`,
  pushTryAgain: 'Erneut versuchen',
  failure: {
    dismissed: 'Die Frage des Browsers wurde ohne Antwort geschlossen. Versuchen Sie es erneut und wählen Sie „Zulassen“.',
    noWorker:
      'Der Hintergrunddienst dieser Seite (der Service Worker, der Push-Benachrichtigungen zeigt) ist nicht installiert. Laden Sie die Seite neu und versuchen Sie es erneut.',
    workerTimeout:
      'Der Hintergrunddienst dieser Seite (der Service Worker) ist nicht rechtzeitig gestartet. Laden Sie die Seite neu und versuchen Sie es erneut; bleibt es so, blockiert dieser Browser ihn vielleicht (private Fenster tun das oft).',
    subscribe: (detail) => `Der Push-Dienst des Browsers hat abgelehnt: ${detail}`,
    server: (detail) => `Der Server hat dieses Gerät nicht angenommen: ${detail}`,
  },

  devicesTitle: 'Geräte mit Push',
  devicesIntro: 'Push geht an jedes davon. Entfernen Sie eines, das Sie nicht mehr nutzen.',
  devicesLoading: 'Ihre Geräte werden geladen…',
  devicesLoadFailed: (reason) => `Ihre Geräte konnten nicht geladen werden: ${reason}`,
  devicesEmpty: 'Auf keinem Gerät ist Push eingeschaltet.',
  thisDevice: 'Dieses Gerät',
  deviceName: (service) => `Push-Dienst ${service}`,
  added: (when) => `Hinzugefügt ${when}`,
  lastUsed: (when) => `Zuletzt genutzt ${when}`,
  neverUsed: 'Noch nicht genutzt',
  remove: 'Entfernen',
  removeNamed: (name) => `${name} entfernen`,
  removeTitle: 'Dieses Gerät entfernen?',
  removeBody: (name) => `${name} erhält keine Push-Benachrichtigungen mehr. Sie können Push auf diesem Gerät wieder einschalten.`,
  removing: 'Wird entfernt…',
  removeFailed: (reason) => `Es konnte nicht entfernt werden: ${reason}`,
};
