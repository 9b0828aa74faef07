import { SettingRefused, SettingsTable } from './setting';

export interface IntrospectionClient {
  id: string;
  secret: string;
}

/** Who may call the token introspection endpoint (RFC 7662) with HTTP Basic. */
export class IntrospectionSettings {
  /** Empty: the endpoint answers 404. */
  declare readonly clients: IntrospectionClient[];
}

const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;
const MIN_SECRET_LENGTH = 16;

export const INTROSPECTION_SETTINGS: SettingsTable<IntrospectionSettings> = {
  clients: {
    env: 'INTROSPECTION_CLIENTS',
    fallback: '',
    doc: `id:secret,… of the clients allowed to call POST /api/v1/oauth/introspect (HTTP Basic; secrets ≥ ${MIN_SECRET_LENGTH} characters). Unset: the endpoint answers 404`,
    parse: parseClients,
  },
};

function parseClients(value: string): IntrospectionClient[] {
  if (value === '') return [];
  const clients = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const id = colon < 0 ? entry : entry.slice(0, colon);
      const secret = colon < 0 ? '' : entry.slice(colon + 1);
      // Never echo the secret in the refusal.
      if (!CLIENT_ID.test(id))
        throw new SettingRefused(`has a client id that is not 1–128 of A-Z a-z 0-9 . _ ~ - (${id.slice(0, 40)})`);
      if (secret.length < MIN_SECRET_LENGTH) {
        throw new SettingRefused(`gives client ${id} a secret under ${MIN_SECRET_LENGTH} characters`);
      }
      return { id, secret };
    });
  const ids = clients.map((client) => client.id);
  const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (repeated.length > 0) throw new SettingRefused(`names client ${repeated[0]} twice`);
  return clients;
}
