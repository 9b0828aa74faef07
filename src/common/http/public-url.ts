import type { AddressInfo } from 'node:net';

import { Global, Injectable, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

import { MailSettings } from '../../config/mail.settings';
import { ServerSettings } from '../../config/server.settings';

/**
 * Where people and clients reach this service's front end: PUBLIC_URL, or, when it is unset, this
 * service itself at http://localhost:<the port it listens on>. The port is read from the
 * listening server, not from PORT, so PORT=0 (a port picked by the system) still gives working
 * links.
 */
@Injectable()
export class PublicUrl {
  constructor(
    private readonly mail: MailSettings,
    private readonly server: ServerSettings,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  base(): string {
    return this.mail.publicUrl ?? `http://localhost:${this.listeningPort()}`;
  }

  private listeningPort(): number {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as { address?: () => AddressInfo | string | null } | undefined;
    const address = server?.address?.();
    return address && typeof address === 'object' ? address.port : this.server.port;
  }
}

@Global()
@Module({ providers: [PublicUrl], exports: [PublicUrl] })
export class PublicUrlModule {}
