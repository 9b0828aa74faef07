import { randomUUID } from 'node:crypto';

import { useTestApp } from '../support/test-app';

const registration = () => ({ name: 'Proxied', username: `proxied-${randomUUID()}@example.com`, password: 'proxied-password' });

/**
 * TRUST_PROXY=1, the hop count: X-Forwarded-For is believed only from a proxy on a loopback or
 * private address. Every test request comes from 127.0.0.1, so a caller on a public address is
 * played by Fastify's inject with that peer address: the whole app, hooks, guards and limits
 * included, without a socket.
 */
describe('TRUST_PROXY=1 (a hop count)', () => {
  const t = useTestApp({ env: { TRUST_PROXY: '1', RATE_LIMIT_REGISTER: '3/1m' } });

  const fromPeer = (peer: string, forwardedFor: string) =>
    t.app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'POST',
        url: '/api/v1/register',
        remoteAddress: peer,
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        payload: registration(),
      });

  it('limits a direct caller on a public address by its own address, however it rotates X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++) statuses.push((await fromPeer('203.0.113.50', `198.51.100.${i}`)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await fromPeer('203.0.113.50', '198.51.100.99');
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'rate_limited' });
    // Another public caller has its own allowance.
    expect((await fromPeer('203.0.113.51', '198.51.100.1')).statusCode).toBe(200);
  });

  it('keys the limit by the forwarded client behind a proxy on a private address', async () => {
    for (let i = 0; i < 3; i++) expect((await fromPeer('10.0.0.2', '192.0.2.10')).statusCode).toBe(200);
    expect((await fromPeer('10.0.0.2', '192.0.2.10')).statusCode).toBe(429);
    expect((await fromPeer('10.0.0.2', '192.0.2.11')).statusCode).toBe(200);
  });

  it('believes a proxy on loopback too, over real HTTP', async () => {
    const forwarded = () => t.api().post('/api/v1/register').set('X-Forwarded-For', '192.0.2.20').send(registration());
    for (let i = 0; i < 3; i++) await forwarded().expect(200);
    await forwarded().expect(429);
    await t.api().post('/api/v1/register').set('X-Forwarded-For', '192.0.2.21').send(registration()).expect(200);
  });
});
