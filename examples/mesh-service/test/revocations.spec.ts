import { AccessClaims, IdentityEvent, RevocationSet } from '../src/revocations';

const HOUR = 3_600_000;
const ORG = '4e0f3a52-6b77-4d1f-9a0e-9c4c1a2b3d4e';
const USER = '8c7f0a55-2f7b-4c57-9d51-2a6d1cf0b1e1';
const SESSION = '0d3b0a7e-4f44-4e0b-a8b5-8e0a4c8f6b02';
const EVENT_TIME = Date.parse('2026-01-10T12:00:00.500Z');

function token(overrides: Partial<AccessClaims> = {}): AccessClaims {
  return {
    sub: USER,
    sid: SESSION,
    iat: EVENT_TIME / 1000 - 60,
    exp: EVENT_TIME / 1000 + 3000,
    email: 'ada@example.com',
    org_id: ORG,
    org_role: 'developer',
    permissions: ['flags.read'],
    ...overrides,
  };
}

function event(type: string, data: Record<string, unknown>, time = EVENT_TIME): IdentityEvent {
  return { id: 'e', source: 'identity-service', type, time: new Date(time).toISOString(), subject: 's', data };
}

describe('RevocationSet', () => {
  let now = EVENT_TIME + 1000;
  const set = () => new RevocationSet(HOUR, () => now);
  beforeEach(() => (now = EVENT_TIME + 1000));

  it('refuses every token of a revoked session, whenever it was issued', () => {
    const revocations = set();
    revocations.apply(event('identity.session.revoked', { session_id: SESSION, user_id: USER, reason: 'logout' }));
    expect(revocations.reasonToRefuse(token())).toBe('the session was revoked');
    expect(revocations.reasonToRefuse(token({ sid: 'another-session' }))).toBeUndefined();
  });

  it('refuses a removed member’s tokens for that organization issued up to the event, not later ones', () => {
    const revocations = set();
    revocations.apply(event('identity.member.removed', { organization_id: ORG, member: { user: { id: USER } } }));
    expect(revocations.reasonToRefuse(token())).toBe('the membership changed');
    // Issued in the event's own second: it may predate the event, so it goes too.
    expect(revocations.reasonToRefuse(token({ iat: Math.floor(EVENT_TIME / 1000) }))).toBe('the membership changed');
    expect(revocations.reasonToRefuse(token({ iat: Math.floor(EVENT_TIME / 1000) + 1 }))).toBeUndefined();
    expect(revocations.reasonToRefuse(token({ org_id: 'another-org' }))).toBeUndefined();
  });

  it('refuses tokens whose role, organization or password changed', () => {
    const revocations = set();
    revocations.apply(event('identity.role.updated', { organization_id: ORG, role: { key: 'developer' } }));
    expect(revocations.reasonToRefuse(token())).toBe('the role changed');
    expect(revocations.reasonToRefuse(token({ org_role: 'viewer' }))).toBeUndefined();
    revocations.apply(event('identity.organization.deleted', { organization: { id: ORG } }));
    expect(revocations.reasonToRefuse(token({ org_role: 'viewer' }))).toBe('the organization was deleted');
    revocations.apply(event('identity.user.password_changed', { user_id: USER }));
    expect(revocations.reasonToRefuse(token({ org_id: null, org_role: null }))).toBe('the password changed');
  });

  it('refuses every token of a deleted account issued up to the event', () => {
    const revocations = set();
    revocations.apply(event('identity.user.deleted', { user_id: USER }));
    expect(revocations.reasonToRefuse(token())).toBe('the account was deleted');
    expect(revocations.reasonToRefuse(token({ sid: 'another-session', org_id: null, org_role: null }))).toBe(
      'the account was deleted',
    );
    expect(revocations.reasonToRefuse(token({ sub: 'another-user' }))).toBeUndefined();
  });

  it('ignores events that take nothing away', () => {
    const revocations = set();
    revocations.apply(event('identity.member.added', { organization_id: ORG, member: { user: { id: USER } } }));
    revocations.apply(event('identity.session.created', { session_id: SESSION, user_id: USER }));
    expect(revocations.size).toBe(0);
  });

  it('forgets a revocation once every token issued before it has expired', () => {
    const revocations = set();
    revocations.apply(event('identity.session.revoked', { session_id: SESSION }));
    revocations.apply(
      event('identity.member.removed', { organization_id: ORG, member: { user: { id: USER } } }, EVENT_TIME - 2 * HOUR),
    );
    expect(revocations.size).toBe(1);
    now = EVENT_TIME + HOUR + 1;
    revocations.prune();
    expect(revocations.size).toBe(0);
    expect(revocations.reasonToRefuse(token())).toBeUndefined();
  });
});
