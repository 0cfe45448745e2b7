import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the receiver accepted: the SMTP envelope, the login used, and the parsed MIME message. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The user name given with AUTH, or null when the client sent none. */
  authUser: string | null;
  mail: ParsedMail;
}

/**
 * A real SMTP server for the tests (`smtp-server`), parsing each message it accepts with
 * `mailparser`. Plain SMTP on 127.0.0.1 (no STARTTLS); AUTH PLAIN/LOGIN is accepted when
 * `credentials` match, and optional otherwise.
 */
export class SmtpReceiver {
  readonly received: ReceivedMail[] = [];
  /** SMTP codes to refuse the next messages with (one per message), e.g. 451 (try later) or 550 (never). */
  private readonly refusals: number[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  /** Starts on a free port; with `credentials`, AUTH must use them. */
  static async start(credentials?: { user: string; pass: string }): Promise<SmtpReceiver> {
    // The handlers run after start() returns: they find the receiver here.
    const holder: { receiver?: SmtpReceiver } = {};
    const server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (credentials && auth.username === credentials.user && auth.password === credentials.pass) {
          callback(null, { user: auth.username });
        } else callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const refusal = holder.receiver!.refusals.shift();
        if (refusal !== undefined) {
          stream.resume();
          stream.on('end', () => callback(Object.assign(new Error(`Refused on request (${refusal})`), { responseCode: refusal })));
          return;
        }
        simpleParser(stream).then(
          (mail) => {
            holder.receiver!.received.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((item) => item.address),
              },
              authUser: typeof session.user === 'string' ? session.user : null,
              mail,
            });
            holder.receiver!.wake();
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.receiver = new SmtpReceiver(server, (server.server.address() as AddressInfo).port);
    return holder.receiver;
  }

  /** `smtp://127.0.0.1:<port>`, with the credentials when given. */
  url(credentials?: { user: string; pass: string }): string {
    const login = credentials ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@` : '';
    return `smtp://${login}127.0.0.1:${this.port}`;
  }

  /** The next message is refused with this SMTP code after its data was sent (451: try later; 550: never). */
  refuseNext(code: number): void {
    this.refusals.push(code);
  }

  /** Resolves once `count` messages have arrived. */
  async waitFor(count: number): Promise<void> {
    while (this.received.length < count) await new Promise<void>((resolve) => this.waiters.add(resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private wake(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}
