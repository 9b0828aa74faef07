import { randomUUID } from 'node:crypto';

import TestAgent from 'supertest/lib/agent';

export interface RegisteredUser {
  id: string;
  name: string;
  email: string;
  password: string;
}

export function newCredentials(overrides: Partial<Omit<RegisteredUser, 'id'>> = {}): Omit<RegisteredUser, 'id'> {
  const tag = randomUUID().slice(0, 8);
  return { name: `User ${tag}`, email: `user-${tag}@example.com`, password: `pw-${randomUUID()}`, ...overrides };
}

/** Registers through the real endpoint. */
export async function registerUser(
  api: () => TestAgent,
  overrides: Partial<Omit<RegisteredUser, 'id'>> = {},
): Promise<RegisteredUser> {
  const credentials = newCredentials(overrides);
  const response = await api()
    .post('/api/v1/register')
    .send({ name: credentials.name, username: credentials.email, password: credentials.password })
    .expect(200);
  return { ...credentials, id: (response.body as { user: { id: string } }).user.id };
}

export interface LoginResult {
  token: string;
  refresh_token: string;
  user: Record<string, unknown>;
  current_organization: { id: string; slug: string; name: string; role: string } | null;
  organizations: { id: string; slug: string; name: string; role: string }[];
}

/** Signs in through the real endpoint; tokens in tests always come from here. */
export async function loginAs(api: () => TestAgent, user: Pick<RegisteredUser, 'email' | 'password'>): Promise<LoginResult> {
  const response = await api().post('/api/v1/login').send({ username: user.email, password: user.password }).expect(200);
  return response.body as LoginResult;
}
