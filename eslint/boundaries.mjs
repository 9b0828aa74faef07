import { dirname, relative, resolve, sep } from 'node:path';

/**
 * The folders of src/ and the folders each may import: a layered graph, so no two folders import
 * each other. A newcomer reads the architecture here; a change to it is a change to this table.
 * Files directly in src/ (main.ts, bootstrap.ts, app.module.ts, configure-app.ts) compose
 * everything and may import any folder.
 */
export const ALLOWED_IMPORTS = {
  config: [],
  common: ['config'],
  secrets: ['config', 'common'],
  database: ['config', 'common'],
  metrics: ['config', 'common'],
  audit: ['config', 'common', 'database'],
  'rate-limit': ['config', 'common', 'metrics'],
  mail: ['config', 'common', 'database', 'metrics'],
  events: ['config', 'common', 'database', 'metrics'],
  health: ['config', 'common', 'database', 'metrics', 'rate-limit'],
  users: ['config', 'common', 'database', 'events', 'metrics'],
  organizations: ['config', 'common', 'database', 'audit', 'events', 'mail', 'rate-limit', 'users'],
  tokens: ['config', 'common', 'database', 'secrets'],
  sessions: ['config', 'common', 'database', 'audit', 'events', 'metrics', 'organizations', 'rate-limit', 'tokens', 'users'],
  mfa: [
    'config',
    'common',
    'database',
    'audit',
    'events',
    'metrics',
    'organizations',
    'rate-limit',
    'secrets',
    'sessions',
    'users',
  ],
  auth: ['config', 'common', 'database', 'audit', 'metrics', 'mfa', 'organizations', 'rate-limit', 'sessions', 'tokens', 'users'],
  account: ['config', 'common', 'database', 'audit', 'auth', 'mail', 'mfa', 'organizations', 'rate-limit', 'sessions', 'users'],
  pages: ['config', 'common'],
  retention: [
    'config',
    'common',
    'database',
    'metrics',
    'audit',
    'account',
    'events',
    'mail',
    'mfa',
    'organizations',
    'sessions',
  ],
};

const SRC = resolve(import.meta.dirname, '..', 'src');

/** The top folder of src/ a path lies in; undefined outside src/ or directly in it. */
function folderOf(path) {
  const inside = relative(SRC, path);
  if (inside.startsWith('..')) return undefined;
  const parts = inside.split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

const allowedImports = {
  meta: {
    type: 'problem',
    docs: { description: 'A folder of src/ imports only the folders eslint/boundaries.mjs allows it' },
    schema: [],
    messages: {
      forbidden: 'src/{{from}}/ may not import from src/{{to}}/ (allowed: {{allowed}}); see eslint/boundaries.mjs',
      unknown: 'src/{{from}}/ is not in eslint/boundaries.mjs: add it with the folders it may import',
    },
  },
  create(context) {
    const file = context.filename;
    const from = folderOf(file);
    if (from === undefined) return {};
    const allowed = ALLOWED_IMPORTS[from];
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = folderOf(resolve(dirname(file), source));
      if (to === undefined || to === from) return;
      if (!allowed) context.report({ node, messageId: 'unknown', data: { from } });
      else if (!allowed.includes(to)) {
        context.report({ node, messageId: 'forbidden', data: { from, to, allowed: allowed.join(', ') || 'none' } });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export const boundaries = { rules: { 'allowed-imports': allowedImports } };
