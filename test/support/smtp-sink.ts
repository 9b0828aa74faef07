import { once } from 'node:events';

import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
export class SmtpSink {
  readonly received: ReceivedEmail[] = [];
  private server: SMTPServer | undefined;

  /** `delayMs`: how long the server takes to accept each message (a slow mail relay). */
  constructor(private readonly options: { delayMs?: number } = {}) {}

  async start(port = 0): Promise<number> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then(async (mail) => {
            if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
            const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
            this.received.push({
              to: to?.value[0]?.address ?? '',
              from: mail.from?.text ?? '',
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server.server, 'listening');
    return (this.server.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.server = undefined;
  }

  /** Waits until an email to `address` matching `subject` has arrived, and returns it. */
  async waitFor(address: string, subject: RegExp, timeoutMs = 15_000): Promise<ReceivedEmail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(
        (email) => email.to.toLowerCase() === address.toLowerCase() && subject.test(email.subject),
      );
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no email "${String(subject)}" to ${address}; received: ${this.received.map((e) => `${e.to}: ${e.subject}`).join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  countTo(address: string, subject: RegExp): number {
    return this.received.filter((email) => email.to.toLowerCase() === address.toLowerCase() && subject.test(email.subject))
      .length;
  }
}

/** The token carried by the link of an email. */
export function tokenFrom(email: ReceivedEmail): string {
  const match = /[?&]token=([A-Za-z0-9_-]+)/.exec(email.text);
  if (!match) throw new Error(`no token link in: ${email.text}`);
  return match[1];
}
