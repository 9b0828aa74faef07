import { loadSettings } from './settings';
import { settingsProblems } from './settings-problems';

const problemsOf = settingsProblems;

describe('the settings of the mesh and the gateway', () => {
  it('leaves events, introspection and the audience off by default', () => {
    const settings = loadSettings({});
    expect(settings.events).toEqual({ natsServers: undefined, pollIntervalMs: 250 });
    expect(settings.introspection).toEqual({ clients: [] });
    expect(settings.tokens.audience).toBeUndefined();
  });

  it('reads NATS_URL as one server or a cluster', () => {
    expect(loadSettings({ NATS_URL: 'nats://nats:4222' }).events.natsServers).toEqual(['nats://nats:4222']);
    expect(loadSettings({ NATS_URL: 'nats://a:4222, tls://b:4222/' }).events.natsServers).toEqual([
      'nats://a:4222',
      'tls://b:4222',
    ]);
    expect(problemsOf({ NATS_URL: 'http://nats:4222' })).toEqual([
      expect.stringMatching(/^NATS_URL must be a nats:\/\/ or tls:\/\//),
    ]);
  });

  it('reads INTROSPECTION_CLIENTS as id:secret pairs and refuses short secrets without showing them', () => {
    const secret = 'a-long-enough-secret';
    expect(
      loadSettings({ INTROSPECTION_CLIENTS: `gateway:${secret}, billing:${secret}:with:colons` }).introspection.clients,
    ).toEqual([
      { id: 'gateway', secret },
      { id: 'billing', secret: `${secret}:with:colons` },
    ]);
    const problems = problemsOf({ INTROSPECTION_CLIENTS: 'gateway:short1' });
    expect(problems).toEqual(['INTROSPECTION_CLIENTS gives client gateway a secret under 16 characters']);
    expect(problemsOf({ INTROSPECTION_CLIENTS: `a:${secret},a:${secret}` })).toEqual([
      'INTROSPECTION_CLIENTS names client a twice',
    ]);
    expect(problemsOf({ INTROSPECTION_CLIENTS: `no secret` })).toHaveLength(1);
  });

  it('reads JWT_AUDIENCE as given', () => {
    expect(loadSettings({ JWT_AUDIENCE: 'https://api.example.com' }).tokens.audience).toBe('https://api.example.com');
  });
});
