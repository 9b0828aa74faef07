import type { EventData } from '../events/events.service';
import { toInvitationResponse } from './dto/invitation.response';
import { toMemberResponse } from './dto/member.response';
import { toRoleResponse } from './dto/role.response';
import type { ListedInvitation } from './invitations.service';
import type { MemberView } from './memberships.repository';
import type { Organization } from './organization.entity';
import type { Role } from './role.entity';

/**
 * What the organization, member, role and invitation events carry: the shapes the API answers
 * with (Member, Role, Invitation), built by the same mappers, so never a token or a hash.
 */
export const eventData = {
  organization: ({ id, slug, name }: Organization): EventData => ({ organization: { id, slug, name } }),
  member: (organizationId: string, member: MemberView): EventData => ({
    organization_id: organizationId,
    member: toMemberResponse(member),
  }),
  role: (organizationId: string, role: Role): EventData => ({ organization_id: organizationId, role: toRoleResponse(role) }),
  invitation: (view: ListedInvitation): EventData => ({
    organization_id: view.invitation.organizationId,
    invitation: toInvitationResponse(view),
  }),
};
