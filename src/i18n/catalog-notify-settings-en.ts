/**
 * The words of the notification settings screen (CONTRACT §12), in English: the reference
 * for `catalog-notify-settings-de.ts`. Kept apart from `catalog-en.ts` because that one is
 * part of the inbox's initial JS, and these are only read by the screen's own lazy chunk.
 */
import type { NotificationChannel, NotificationKind } from '../core/protocol/notifications.ts';

export const notifySettingsEn = {
  title: 'Notification settings',
  intro: 'Choose how you hear about conversations when you are not looking at the inbox.',
  loading: 'Loading your notification settings…',
  loadFailed: (reason: string) => `Your notification settings could not be loaded: ${reason}`,

  channelsTitle: 'What reaches you, and where',
  channelsIntro:
    'In the inbox: the list of notifications here. Push: a notification on the devices where you turned push on. Email: to your address, after the delay below.',
  kindColumn: 'When',
  channel: { in_app: 'In the inbox', push: 'Push', email: 'Email' } satisfies Record<NotificationChannel, string>,
  kind: {
    mention: 'When someone mentions you',
    assigned: 'When someone assigns a conversation to you',
    waiting: 'When a conversation waits for a person',
    approval_pending: 'When an agent asks for your approval',
    message: 'Every new message in your conversations',
  } satisfies Record<NotificationKind, string>,
  /** A checkbox's name: the channel for that kind. */
  channelFor: (channel: string, kind: string) => `${channel}: ${kind}`,
  emailNotOffered: 'No email for every message',

  delayTitle: 'Email delay',
  delayLabel: 'Wait before emailing (minutes)',
  delayHint: (max: number) =>
    `From 0 to ${max}. Emails wait this long, skip what you read meanwhile, and what waits goes out as one email.`,
  delayInvalid: (max: number) => `Enter the minutes as a whole number from 0 to ${max}.`,

  quietTitle: 'Quiet hours',
  quietOn: 'Hold push and email during quiet hours',
  quietHint: 'During quiet hours nothing is pushed or emailed; what came in is sent when they end. The inbox still shows it.',
  quietStart: 'From',
  quietEnd: 'Until',
  timeZone: 'Time zone',
  timeInvalid: 'Enter a time as hours and minutes, such as 22:00.',
  timesEqual: 'Quiet hours must end at another time than they start.',
  timeZoneInvalid: 'Pick a time zone from the list.',

  languageTitle: 'Language of emails and push',
  languageIs: (language: string) => `Emails and push notifications are written in ${language}, the language of your inbox.`,
  languageHint: 'To change it, change Language in the menu.',
  languageName: { en: 'English', de: 'German' } as Record<string, string>,

  save: 'Save notification settings',
  saving: 'Saving…',
  saved: 'Saved.',
  saveFailed: (reason: string) => `Not saved: ${reason} Your changes are still here; try again.`,
  fixProblems: 'Not saved: some fields need fixing (see below).',

  pushTitle: 'Push on this device',
  pushChecking: 'Checking what this browser supports…',
  pushUnsupported:
    'This browser cannot receive push notifications. Use a current version of Chrome, Edge, Firefox or Safari (on an iPhone, add the inbox to the Home Screen first).',
  pushOff: 'Push is not on for this device. When you turn it on, your browser asks whether this site may show notifications.',
  pushEnable: 'Enable push on this device',
  pushEnabling: 'Turning push on…',
  pushBlocked: 'Notifications are blocked for this site in this browser, so push cannot reach this device.',
  pushBlockedHelp:
    'To unblock them, open this site’s settings in your browser (the icon left of the address), set Notifications to “Allow”, then reload the page.',
  pushOn: 'Push is on for this device.',
  pushDisable: 'Turn off on this device',
  pushDisabling: 'Turning push off…',
  pushFailed: (reason: string) => `Push could not be changed: ${reason}`,
  pushTryAgain: 'Try again',
  failure: {
    dismissed: 'the browser’s question was closed without an answer. Try again and choose “Allow”.',
    noWorker:
      'this page’s background worker (the service worker that shows push notifications) is not installed. Reload the page and try again.',
    workerTimeout:
      'this page’s background worker (the service worker) did not start in time. Reload the page and try again; if it stays, this browser may block it (private windows often do).',
    subscribe: (detail: string) => `the browser’s push service refused: ${detail}`,
    server: (detail: string) => `the server did not take this device: ${detail}`,
  },

  devicesTitle: 'Devices with push',
  devicesIntro: 'Push goes to each of these. Remove one you no longer use.',
  devicesLoading: 'Loading your devices…',
  devicesLoadFailed: (reason: string) => `Your devices could not be loaded: ${reason}`,
  devicesEmpty: 'No device has push turned on.',
  thisDevice: 'This device',
  /** A device by its push service, e.g. "fcm.googleapis.com". */
  deviceName: (service: string) => `Push service ${service}`,
  added: (when: string) => `Added ${when}`,
  lastUsed: (when: string) => `Last used ${when}`,
  neverUsed: 'Not used yet',
  remove: 'Remove',
  removeNamed: (name: string) => `Remove ${name}`,
  removeTitle: 'Remove this device?',
  removeBody: (name: string) => `${name} will no longer receive push notifications. You can turn push on again on that device.`,
  removing: 'Removing…',
  removeFailed: (reason: string) => `It could not be removed: ${reason}`,
};

export type NotifySettingsStrings = typeof notifySettingsEn;
