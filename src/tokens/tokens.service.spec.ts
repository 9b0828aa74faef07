import { JwtService } from '@nestjs/jwt';

import { TokenSettings } from '../config/tokens.settings';
import { generateMaterial, KeyMaterial, materialFor } from './key-material';
import { SigningKeysService } from './signing-keys.service';
import { SessionSubject, TokensService } from './tokens.service';

const SUBJECT: SessionSubject = {
  user: { id: '6f1c2b9e-0a4d-4c57-9a53-2f7d1e0b8c41', email: 'ada@example.com', role: 'admin' },
  sessionId: '0b3e5d7a-91c2-4f68-8e1d-5a6b7c8d9e0f',
  organization: null,
};

// A session that ends long after the access token's 60 s.
const SESSION_END = new Date(Date.now() + 86_400_000);

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, number>;

function setUp() {
  const key = materialFor('RS256', generateMaterial('RS256'), null);
  let accepted: KeyMaterial | undefined = key;
  const keys = {
    signingKey: key,
    verificationKey: (kid: string) => (kid === key.kid ? accepted : undefined),
    verificationKeyAfterReload: () => Promise.resolve(undefined),
  } as unknown as SigningKeysService;
  const settings = { accessTokenTtl: 60, refreshTokenTtl: 3600, issuer: 'identity-service' } as unknown as TokenSettings;
  const tokens = new TokensService(settings, new JwtService({}), keys);
  return { tokens, stopAccepting: () => (accepted = undefined) };
}

describe('TokensService.verifyAccessToken', () => {
  afterEach(() => jest.restoreAllMocks());

  it('accepts a token again while it is valid, and refuses it from its expiry on', async () => {
    const { tokens } = setUp();
    const start = Date.now();
    const token = tokens.signAccessToken(SUBJECT, SESSION_END);
    expect((await tokens.verifyAccessToken(token))?.sub).toBe(SUBJECT.user.id);
    jest.spyOn(Date, 'now').mockReturnValue(start + 30_000);
    expect((await tokens.verifyAccessToken(token))?.sid).toBe(SUBJECT.sessionId);
    jest.spyOn(Date, 'now').mockReturnValue(start + 61_000);
    expect(await tokens.verifyAccessToken(token)).toBeUndefined();
  });

  it('refuses a token it verified before once its key is no longer accepted', async () => {
    const { tokens, stopAccepting } = setUp();
    const token = tokens.signAccessToken(SUBJECT, SESSION_END);
    expect(await tokens.verifyAccessToken(token)).toBeDefined();
    stopAccepting();
    expect(await tokens.verifyAccessToken(token)).toBeUndefined();
  });

  it('does not take a token with the same header and claims but another signature for one it verified', async () => {
    const { tokens } = setUp();
    const token = tokens.signAccessToken(SUBJECT, SESSION_END);
    expect(await tokens.verifyAccessToken(token)).toBeDefined();
    const [header, claims, signature] = token.split('.');
    const tampered = Buffer.from(signature, 'base64url');
    tampered[0] ^= 1;
    expect(await tokens.verifyAccessToken(`${header}.${claims}.${tampered.toString('base64url')}`)).toBeUndefined();
    expect(await tokens.verifyAccessToken(token)).toBeDefined();
  });
});

describe('TokensService.signAccessToken', () => {
  it('signs for ACCESS_TOKEN_TTL, but never past the end of its session', () => {
    const { tokens } = setUp();
    const long = claimsOf(tokens.signAccessToken(SUBJECT, SESSION_END));
    expect(long.exp - long.iat).toBe(60);
    const short = claimsOf(tokens.signAccessToken(SUBJECT, new Date(Date.now() + 20_000)));
    expect(short.exp - short.iat).toBeGreaterThanOrEqual(19);
    expect(short.exp - short.iat).toBeLessThanOrEqual(20);
  });
});
