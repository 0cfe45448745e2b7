import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../storage/private-files.ts';
import type { ChannelSettings } from './channel-settings.ts';

/** How long connecting to, greeting and talking to the SMTP server may take. */
export const SMTP_TIMEOUT_MS = 15_000;

/** One outgoing email, whole. */
export interface OutgoingMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** Logged instead of anything the email says (its kinds, how many items). */
  summary: Record<string, unknown>;
}

/** Sends emails: over SMTP, or into `.eml` files. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** An SMTP answer that another try would get again (5xx): the email is dropped, not retried. */
export class PermanentMailError extends Error {}

/** nodemailer's options for `SMTP_URL` (`smtps://` is TLS from the start; `smtp://` upgrades with STARTTLS when offered). */
function smtpOptions(raw: string): SMTPTransport.Options {
  const url = new URL(raw);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  };
}

/**
 * The mail transport of `SMTP_URL` (credentials allowed; never logged), or, without it, one
 * that writes each email as an `.eml` file in `mailDir` (owner-only: emails hold personal
 * words) and logs its file name, never its recipient or body.
 */
export function createMailTransport(settings: ChannelSettings, log: FastifyBaseLogger): MailTransport {
  const smtp = settings.smtpUrl;
  const transport = smtp
    ? nodemailer.createTransport(smtpOptions(smtp))
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const message = {
        from: settings.mailFrom,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
      };
      if (smtp) {
        try {
          await transport.sendMail(message);
        } catch (error) {
          const code = (error as { responseCode?: number }).responseCode;
          // Only the SMTP code and nodemailer's error code: its message may quote the server's greeting or the address.
          log.warn({ ...mail.summary, smtp_code: code, code: (error as NodeJS.ErrnoException).code }, 'email not sent');
          if (code !== undefined && code >= 500 && code < 600) throw new PermanentMailError(`SMTP ${code}`);
          throw error;
        }
        log.info(mail.summary, 'email sent');
        return;
      }
      const info = (await transport.sendMail(message)) as { message: Buffer };
      const file = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`;
      try {
        makePrivateDir(settings.mailDir);
        await writeFile(join(settings.mailDir, file), info.message, { mode: PRIVATE_FILE_MODE });
      } catch (error) {
        // A full disk or a folder the server may not write: tried again later.
        log.warn({ ...mail.summary, code: (error as NodeJS.ErrnoException).code }, 'email not written');
        throw error;
      }
      log.info({ ...mail.summary, file }, 'email written (no SMTP_URL set)');
    },
    close() {
      transport.close();
    },
  };
}
