import { Module } from '@nestjs/common';

import { MailService } from './mail.service';
import { MailWorker } from './mail.worker';
import { OutboxRepository } from './outbox.repository';

@Module({
  providers: [MailService, MailWorker, OutboxRepository],
  exports: [MailService],
})
export class MailModule {}
