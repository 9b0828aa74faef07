import TestAgent from 'supertest/lib/agent';

import { SYSTEM_ROLE_IDS, SystemRoleKey } from '../../src/organizations/permissions';
import { loginAs, LoginResult, newCredentials, RegisteredUser, registerUser } from './factories';

export const BUILT_IN_ROLES: SystemRoleKey[] = ['owner', 'admin', 'developer', 'analyst', 'viewer'];

export interface Teammate extends RegisteredUser {
  session: LoginResult;
  token: string;
  /** Membership id in the team's organization. */
  memberId: string;
}

export interface Team {
  organizationId: string;
  owner: Teammate;
}

/** Registers a user; their initial organization is the team's, and they are its owner. */
export async function createTeam(api: () => TestAgent, overrides: Partial<Omit<RegisteredUser, 'id'>> = {}): Promise<Team> {
  const user = await registerUser(api, overrides);
  const session = await loginAs(api, user);
  const organizationId = session.current_organization?.id as string;
  const members = await api().get('/api/v1/members').auth(session.token, { type: 'bearer' }).expect(200);
  const memberId = (members.body.members as { id: string }[])[0].id;
  return { organizationId, owner: { ...user, session, token: session.token, memberId } };
}

export async function invite(
  api: () => TestAgent,
  token: string,
  email: string,
  roleId: string,
): Promise<{ invitationId: string; acceptToken: string }> {
  const response = await api()
    .post('/api/v1/invitations')
    .auth(token, { type: 'bearer' })
    .send({ email, role_id: roleId })
    .expect(200);
  return { invitationId: response.body.invitation.id, acceptToken: response.body.accept_token };
}

/**
 * Invites a brand-new person with a role, lets them accept (creating their account) and signs
 * them in: their session is scoped to the team's organization, their only one.
 */
export async function addTeammate(api: () => TestAgent, inviterToken: string, role: string): Promise<Teammate> {
  const roleId = role in SYSTEM_ROLE_IDS ? SYSTEM_ROLE_IDS[role as SystemRoleKey] : role;
  const credentials = newCredentials();
  const { acceptToken } = await invite(api, inviterToken, credentials.email, roleId);
  const accepted = await api()
    .post('/api/v1/invitations/accept')
    .send({ token: acceptToken, name: credentials.name, password: credentials.password })
    .expect(200);
  const session = await loginAs(api, credentials);
  return { ...credentials, id: accepted.body.member.user.id, session, token: session.token, memberId: accepted.body.member.id };
}

/** An owner and one teammate per other built-in role. */
export async function createFullTeam(api: () => TestAgent): Promise<Team & { members: Record<SystemRoleKey, Teammate> }> {
  const team = await createTeam(api);
  const members = { owner: team.owner } as Record<SystemRoleKey, Teammate>;
  for (const role of BUILT_IN_ROLES.filter((key) => key !== 'owner'))
    members[role] = await addTeammate(api, team.owner.token, role);
  return { ...team, members };
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/** Requests that carry `token` as their bearer. */
export function authenticated(api: () => TestAgent, token: string) {
  return {
    get: (path: string) => api().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object) => api().post(path).auth(token, { type: 'bearer' }).send(body),
    patch: (path: string, body: object) => api().patch(path).auth(token, { type: 'bearer' }).send(body),
    delete: (path: string) => api().delete(path).auth(token, { type: 'bearer' }),
  };
}
