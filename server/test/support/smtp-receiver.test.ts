import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpReceiver } from './smtp-receiver.ts';

describe('the SMTP receiver', () => {
  const credentials = { user: 'mailer', pass: 's3cret pass' };
  let receiver: SmtpReceiver;

  beforeAll(async () => {
    receiver = await SmtpReceiver.start(credentials);
  });
  afterAll(() => receiver.close());

  it('accepts a message over real SMTP and records it parsed, with the login used', async () => {
    const transport = nodemailer.createTransport(receiver.url(credentials));
    await transport.sendMail({
      from: 'Inbox <inbox@example.com>',
      to: 'ada@example.com',
      subject: 'Grüße',
      text: 'plain words',
      html: '<p>html words</p>',
      headers: { 'List-Unsubscribe': '<https://example.com/u>' },
    });
    await receiver.waitFor(1);
    const [received] = receiver.received;
    expect(received!.envelope).toEqual({ from: 'inbox@example.com', to: ['ada@example.com'] });
    expect(received!.authUser).toBe('mailer');
    expect(received!.mail.subject).toBe('Grüße');
    expect(received!.mail.text?.trim()).toBe('plain words');
    expect(received!.mail.html).toContain('<p>html words</p>');
    expect(received!.mail.headerLines.find((line) => line.key === 'list-unsubscribe')?.line).toBe(
      'List-Unsubscribe: <https://example.com/u>',
    );
  });

  it('refuses the next message with the SMTP code asked for, then accepts again', async () => {
    const transport = nodemailer.createTransport(receiver.url(credentials));
    const before = receiver.received.length;
    receiver.refuseNext(451);
    await expect(transport.sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'x' })).rejects.toMatchObject({
      responseCode: 451,
    });
    await transport.sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'y' });
    await receiver.waitFor(before + 1);
    expect(receiver.received.at(-1)!.mail.text?.trim()).toBe('y');
  });

  it('refuses wrong credentials', async () => {
    const transport = nodemailer.createTransport(receiver.url({ user: 'mailer', pass: 'wrong' }));
    await expect(transport.sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'x' })).rejects.toThrow(/Invalid/);
  });
});
