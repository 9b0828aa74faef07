import type { Principal } from '../common/request/principal';
import { GatewayService, headerSafe } from './gateway.service';

const principal: Principal = {
  userId: '8c7f0a55-2f7b-4c57-9d51-2a6d1cf0b1e1',
  sessionId: '0d3b0a7e-4f44-4e0b-a8b5-8e0a4c8f6b02',
  email: 'ada@example.com',
  systemRole: 'admin',
  organizationId: '4e0f3a52-6b77-4d1f-9a0e-9c4c1a2b3d4e',
};

describe('GatewayService.verifyRequest', () => {
  const gateway = new GatewayService();

  it('passes on the live role and its permissions', () => {
    expect(gateway.verifyRequest(principal, { role: 'viewer', permissions: ['org.read', 'flags.read'] }, 'flags.read')).toEqual({
      'X-User-Id': principal.userId,
      'X-User-Email': 'ada@example.com',
      'X-Session-Id': principal.sessionId,
      'X-Organization-Id': principal.organizationId,
      'X-Organization-Role': 'viewer',
      'X-Permissions': 'org.read,flags.read',
    });
  });

  it('leaves the organization empty for a caller who is no longer a member, and refuses every permission', () => {
    expect(gateway.verifyRequest(principal, null, undefined)).toMatchObject({
      'X-Organization-Id': '',
      'X-Organization-Role': '',
      'X-Permissions': '',
    });
    expect(() => gateway.verifyRequest(principal, null, ['org.read'])).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });
});

describe('headerSafe', () => {
  it('keeps printable ASCII and percent-encodes the rest, so decodeURIComponent restores any address', () => {
    for (const email of ['ada+x@example.com', 'a%b@example.com', 'łukasz@example.pl', 'δοκιμή@παράδειγμα.δοκιμή']) {
      const value = headerSafe(email);
      expect(value).toMatch(/^[\x21-\x7e]+$/);
      expect(decodeURIComponent(value)).toBe(email);
    }
    expect(headerSafe('ada+x@example.com')).toBe('ada+x@example.com');
  });
});
