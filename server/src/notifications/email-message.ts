import type { NotificationKind, NotificationLanguage } from '../../../src/core/protocol/notifications.ts';
import type { DeliverableNotification } from './delivery-channels.ts';
import { emailWords } from './email-words.ts';

/** What an email says, before it is put into MIME by the transport. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface EmailInput {
  language: NotificationLanguage;
  name: string;
  items: DeliverableNotification[];
  /** The link to the thread at an item's event. */
  threadLink(item: DeliverableNotification): string;
  /** The one-click link turning these kinds' email off. */
  unsubscribeLink(kinds: NotificationKind[]): string;
}

/** Message words are untrusted: every one goes through this into the HTML part. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** No line breaks or other control characters in a header: each run of them becomes one space. */
/** An email's HTML: a small accessible document (language, title, one heading), around `body` (already escaped). */
export function htmlDocument(language: string, subject: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body>
<h1>${escapeHtml(subject)}</h1>
${body}
</body>
</html>
`;
}

export const oneLine = (value: string) =>
  [...value]
    .map((char) => (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f ? '\n' : char))
    .join('')
    .split(/\n+/)
    .join(' ')
    .trim();

/** The kinds of the items, once each, in the order they first come. */
export const kindsOf = (items: DeliverableNotification[]): NotificationKind[] => [...new Set(items.map((item) => item.notification.kind))];

/**
 * A notification email (CONTRACT §12), one item or a digest: the subject, a plain-text part,
 * and simple accessible HTML (a `lang`, real headings and a list, link texts that say where
 * they go, no images), all in the user's language. Titles and bodies are escaped.
 */
export function composeEmail(input: EmailInput): EmailContent {
  const words = emailWords(input.language);
  const { items } = input;
  const subject = oneLine(items.length === 1 ? items[0]!.notification.title : words.subjectMany(items.length));
  const kinds = kindsOf(items);
  const stops = kinds.map((kind) => ({ text: words.stopKind(kind), href: input.unsubscribeLink([kind]) }));

  const text = [
    words.greeting(input.name),
    '',
    words.intro(items.length),
    '',
    ...items.flatMap((item) => [
      `* ${item.notification.title}`,
      ...(item.notification.body ? [`  ${item.notification.body}`] : []),
      `  ${words.openThread}: ${input.threadLink(item)}`,
      '',
    ]),
    '-- ',
    words.footer,
    ...stops.map((stop) => `${stop.text}: ${stop.href}`),
    '',
  ].join('\n');

  const html = htmlDocument(
    input.language,
    subject,
    `<p>${escapeHtml(words.greeting(input.name))}</p>
<p>${escapeHtml(words.intro(items.length))}</p>
<ul>
${items
  .map(
    (item) => `<li>
<h2>${escapeHtml(item.notification.title)}</h2>
${item.notification.body ? `<p>${escapeHtml(item.notification.body)}</p>\n` : ''}<p><a href="${escapeHtml(input.threadLink(item))}">${escapeHtml(words.openThread)}</a></p>
</li>`,
  )
  .join('\n')}
</ul>
<hr>
<footer>
<p>${escapeHtml(words.footer)}</p>
<ul>
${stops.map((stop) => `<li><a href="${escapeHtml(stop.href)}">${escapeHtml(stop.text)}</a></li>`).join('\n')}
</ul>
</footer>`,
  );
  return { subject, text, html };
}
