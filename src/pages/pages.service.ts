import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

import { Injectable } from '@nestjs/common';

import { PageAssetNotFoundError } from './pages.errors';

/** The HTML pages and the paths they answer; each page loads /pages/<name>.js and /pages/pages.css. */
export const PAGES = {
  verifyEmail: 'verify-email.html',
  resetPassword: 'reset-password.html',
  acceptInvitation: 'accept-invitation.html',
  signIn: 'sign-in.html',
  accountSecurity: 'account-security.html',
} as const;

export type PageName = keyof typeof PAGES;

export interface Asset {
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
};

// Copied beside the compiled code by the build (nest-cli.json assets), read from src/ under ts-node and jest.
const PUBLIC_DIR = join(__dirname, 'public');

/**
 * The pages' files, read once at start: a few kilobytes of HTML, CSS and script, and the QR code
 * generator from node_modules (qrcode-generator's ES module, served as it is: no CDN, no copy).
 */
@Injectable()
export class PagesService {
  private readonly html = new Map<PageName, Buffer>();
  private readonly assets = new Map<string, Asset>();

  constructor() {
    for (const [name, file] of Object.entries(PAGES)) this.html.set(name as PageName, readFileSync(join(PUBLIC_DIR, file)));
    for (const file of readdirSync(PUBLIC_DIR)) {
      const type = TYPES[extname(file)];
      if (type) this.assets.set(file, { type, body: readFileSync(join(PUBLIC_DIR, file)) });
    }
    const qrcode = join(dirname(require.resolve('qrcode-generator')), 'qrcode.mjs');
    this.assets.set('qrcode.mjs', { type: TYPES['.mjs'], body: readFileSync(qrcode) });
  }

  page(name: PageName): Buffer {
    return this.html.get(name) as Buffer;
  }

  /** A stylesheet or script of the pages; anything else is 404 like an unknown route. */
  asset(name: string): Asset {
    const asset = this.assets.get(name);
    if (!asset) throw new PageAssetNotFoundError();
    return asset;
  }
}
