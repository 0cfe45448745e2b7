import type { NotificationLanguage } from '../../../src/core/protocol/notifications.ts';
import { escapeHtml, htmlDocument, oneLine, type EmailContent } from './email-message.ts';
import { followUpWords } from './follow-up-words.ts';

/** The longest a reply is quoted in a follow-up email; the rest is in the conversation the link opens. */
export const FOLLOW_UP_QUOTE_CHARS = 2_000;

/** One reply the visitor has not seen. */
export interface FollowUpReply {
  senderName: string;
  content: string;
}

export interface FollowUpEmailInput {
  language: NotificationLanguage | null;
  visitorName: string | null;
  agentName: string;
  replies: FollowUpReply[];
  /** `<website_url>#ama2_resume=<token>`. */
  resumeLink: string;
}

const quoted = (content: string) => (content.length > FOLLOW_UP_QUOTE_CHARS ? `${content.slice(0, FOLLOW_UP_QUOTE_CHARS)}…` : content);

/**
 * A visitor follow-up email (CONTRACT §12): the replies they did not see, quoted as plain
 * words (message text is untrusted: escaped in the HTML part, never rendered as markup), and
 * the one-time link back to the website's chat. Simple accessible HTML: a `lang`, a heading,
 * a list, a link text that says where it goes, no images.
 */
export function composeFollowUpEmail(input: FollowUpEmailInput): EmailContent {
  const words = followUpWords(input.language);
  const count = input.replies.length;
  const subject = oneLine(words.subject(input.agentName, count));
  const resumeText = words.resume(input.agentName);
  const text = [
    words.greeting(input.visitorName),
    '',
    words.intro(input.agentName, count),
    '',
    ...input.replies.flatMap((reply) => [
      `${reply.senderName}:`,
      ...quoted(reply.content)
        .split('\n')
        .map((line) => `> ${line}`),
      '',
    ]),
    `${resumeText}:`,
    input.resumeLink,
    '',
    words.linkNote,
    '',
  ].join('\n');

  const html = htmlDocument(
    input.language === 'de' ? 'de' : 'en',
    subject,
    `<p>${escapeHtml(words.greeting(input.visitorName))}</p>
<p>${escapeHtml(words.intro(input.agentName, count))}</p>
<ul>
${input.replies
  .map(
    (reply) => `<li>
<p><strong>${escapeHtml(reply.senderName)}</strong></p>
<blockquote><p>${escapeHtml(quoted(reply.content)).replace(/\n/g, '<br>')}</p></blockquote>
</li>`,
  )
  .join('\n')}
</ul>
<p><a href="${escapeHtml(input.resumeLink)}">${escapeHtml(resumeText)}</a></p>
<p>${escapeHtml(words.linkNote)}</p>`,
  );
  return { subject, text, html };
}
