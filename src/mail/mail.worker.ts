import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { Logger } from 'pino';

import { LOGGER } from '../common/logging/logger.module';
import { MailSettings } from '../config/mail.settings';
import { ServerSettings } from '../config/server.settings';
import { MetricsService } from '../metrics/metrics.service';
import { OutboxRepository } from './outbox.repository';
import { EMAIL_LANES, EmailLane, OutboxEmail } from './outbox-email.entity';

const BATCH = 10;
// Longer than the SMTP timeouts below together, so a claim never lapses during a send.
const LEASE_SECONDS = 120;
const MAX_BACKOFF_MS = 3_600_000;

interface Delivery {
  send(email: OutboxEmail): Promise<void>;
  close(): void;
}

/**
 * Delivers the outbox: claims due emails (each by exactly one replica), sends them through
 * SMTP_URL, and retries failures with exponential backoff. A claimed email whose process died
 * is claimed again when its lease ends, so nothing is lost; every message carries a stable
 * Message-ID so a receiver can recognise the rare resend after a crash between send and record.
 * Each lane (OutboxEmail.lane) is delivered by its own pass, side by side: verification and
 * reset emails never wait behind invitations.
 */
@Injectable()
export class MailWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private readonly current = new Map<EmailLane, Promise<void>>();
  private delivery: Delivery | undefined;

  constructor(
    private readonly settings: MailSettings,
    private readonly server: ServerSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly outbox: OutboxRepository,
    metrics: MetricsService,
  ) {
    metrics.outboxBacklog('email', () => this.outbox.countBacklog());
  }

  async onApplicationBootstrap(): Promise<void> {
    this.delivery = await this.createDelivery();
    if (!this.delivery) {
      this.logger.warn('SMTP_URL is not set: emails stay in the outbox until it is');
      return;
    }
    this.timer = setInterval(() => void this.tick(), this.settings.pollIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.current.values());
    this.delivery?.close();
  }

  /** One pass over the due emails of every lane; a lane whose last pass is still running is skipped. */
  async tick(): Promise<void> {
    for (const lane of EMAIL_LANES) {
      if (!this.current.has(lane))
        this.current.set(
          lane,
          this.deliverDue(lane).finally(() => this.current.delete(lane)),
        );
    }
    await Promise.all(this.current.values());
  }

  private async deliverDue(lane: EmailLane): Promise<void> {
    const delivery = this.delivery;
    if (!delivery) return;
    let batch: OutboxEmail[];
    try {
      batch = await this.outbox.claimDue(lane, BATCH, LEASE_SECONDS);
    } catch (error) {
      this.logger.error({ err: error }, 'could not read the email outbox');
      return;
    }
    for (const email of batch) {
      try {
        await delivery.send(email);
        await this.outbox.markSent(email);
        this.logger.info({ outbox_id: email.id, attempts: email.attempts }, 'email sent');
      } catch (error) {
        await this.recordFailure(email, error);
      }
    }
  }

  private async recordFailure(email: OutboxEmail, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    try {
      if (email.attempts >= this.settings.maxAttempts) {
        await this.outbox.markFailed(email, message);
        this.logger.error({ outbox_id: email.id, attempts: email.attempts, reason: message }, 'email given up');
        return;
      }
      const backoff = Math.min(this.settings.retryBaseMs * 2 ** (email.attempts - 1), MAX_BACKOFF_MS);
      const jittered = backoff * (0.8 + Math.random() * 0.4);
      await this.outbox.markRetry(email.id, new Date(Date.now() + jittered), message);
      this.logger.warn(
        { outbox_id: email.id, attempts: email.attempts, retry_in_ms: Math.round(jittered), reason: message },
        'email not sent',
      );
    } catch (recordError) {
      // The lease will lapse and the email be claimed again.
      this.logger.error({ err: recordError, outbox_id: email.id }, 'could not record an email failure');
    }
  }

  private async createDelivery(): Promise<Delivery | undefined> {
    const { smtpUrl, from } = this.settings;
    if (smtpUrl) {
      // The SMTP client is loaded only when there is an SMTP server to talk to.
      const { createTransport } = await import('nodemailer');
      const transport: Transporter = createTransport({
        url: smtpUrl,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      });
      return {
        send: async (email) => {
          await transport.sendMail({
            from,
            to: email.toAddress,
            subject: email.subject,
            text: email.textBody,
            html: email.htmlBody,
            messageId: `<${email.id}@identity-service>`,
          });
        },
        close: () => transport.close(),
      };
    }
    const { dropDir } = this.settings;
    if (this.server.nodeEnv === 'development' && dropDir) {
      // Development only, by design: lets a newcomer follow the links without a mail server. The
      // email goes to a file only its owner can read, never to the log: it carries a token.
      return {
        send: async (email) => {
          await mkdir(dropDir, { recursive: true, mode: 0o700 });
          const file = join(dropDir, `${email.id}.eml`);
          await writeFile(file, toEml(from, email), { mode: 0o600 });
          this.logger.info(
            { outbox_id: email.id, to: email.toAddress, subject: email.subject, file },
            'email written to MAIL_DROP_DIR (development: not sent)',
          );
        },
        close: () => undefined,
      };
    }
    return undefined;
  }
}

/** A plain-text RFC 5322 message, readable as is and openable by a mail client. */
function toEml(from: string, email: OutboxEmail): string {
  const headers = [
    `From: ${from}`,
    `To: ${email.toAddress}`,
    `Subject: ${encodeHeader(email.subject)}`,
    `Message-ID: <${email.id}@identity-service>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${email.textBody}`;
}

/** Printable ASCII as is; anything else as an RFC 2047 encoded word. */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}
