import { AppError } from '../common/errors/app-error';

export class ReadOnlyUserError extends AppError {
  constructor() {
    super('forbidden', 'Read-only users cannot change anything here');
  }
}

export class NoOrganizationScopeError extends AppError {
  constructor() {
    super('forbidden', 'The access token is not scoped to an organization');
  }
}

export class NotAMemberError extends AppError {
  constructor() {
    super('forbidden', 'The caller is not a member of this organization');
  }
}

export class PermissionDeniedError extends AppError {
  constructor(permission: string) {
    super('forbidden', `This needs the ${permission} permission`, { permission });
  }
}

export class OwnerOnlyError extends AppError {
  constructor() {
    super('forbidden', 'Only an owner may grant or take away the owner role');
  }
}

export class PermissionNotHeldError extends AppError {
  constructor(permissions: string[]) {
    super('forbidden', `The caller cannot grant permissions it does not hold: ${permissions.join(', ')}`, { permissions });
  }
}

export class MemberLimitReachedError extends AppError {
  constructor(limit: number) {
    super('forbidden', `The organization has reached its limit of ${limit} members (pending invitations count)`, { limit });
  }
}

export class OrganizationNotFoundError extends AppError {
  constructor() {
    super('not_found', 'Organization not found');
  }
}

export class MemberNotFoundError extends AppError {
  constructor() {
    super('not_found', 'Member not found');
  }
}

export class RoleNotFoundError extends AppError {
  constructor() {
    super('not_found', 'Role not found');
  }
}

export class InvitationNotFoundError extends AppError {
  constructor() {
    super('not_found', 'Invitation not found');
  }
}

export class UnknownRoleIdError extends AppError {
  constructor() {
    super('invalid_request', 'role_id does not name a role of this organization', {
      fields: [{ field: 'role_id', message: 'role_id does not name a role of this organization' }],
    });
  }
}

export class UnknownPermissionError extends AppError {
  constructor(unknown: string[]) {
    const message = `unknown permission${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`;
    super('invalid_request', `Request body is invalid: ${message}`, {
      fields: [{ field: 'permissions', message }],
      unknown_permissions: unknown,
    });
  }
}

export class SlugTakenError extends AppError {
  constructor() {
    super('conflict', 'This slug is taken', { fields: [{ field: 'slug', message: 'slug is taken' }] });
  }
}

export class LastOwnerError extends AppError {
  constructor() {
    super('last_owner', 'An organization must keep at least one owner');
  }
}

/** An account deletion would leave organizations with members but no owner. */
export class LastOwnerOfOrganizationsError extends AppError {
  constructor(organizationIds: string[]) {
    super(
      'last_owner',
      'The account is the last owner of organizations that have other members: make another member an owner first',
      { organization_ids: organizationIds },
    );
  }
}

export class LastOrganizationError extends AppError {
  constructor() {
    super('last_organization', 'This is your only organization; it cannot be deleted');
  }
}

export class SystemRoleError extends AppError {
  constructor() {
    super('system_role', 'Built-in roles cannot be changed or deleted');
  }
}

export class RoleInUseError extends AppError {
  constructor() {
    super('role_in_use', 'The role is held by a member or offered by a pending invitation');
  }
}

export class RoleKeyTakenError extends AppError {
  constructor() {
    super('role_key_taken', 'A role with this key exists in this organization (built-in keys are reserved)');
  }
}

export class AlreadyMemberError extends AppError {
  constructor() {
    super('already_member', 'This person is already a member of the organization');
  }
}

export class InvitationExistsError extends AppError {
  constructor() {
    super('invitation_exists', 'A pending invitation for this email exists in this organization');
  }
}

export class InvitationExpiredError extends AppError {
  constructor() {
    super('invitation_expired', 'The invitation has expired');
  }
}

/** Unknown, used or revoked accept token: one answer for all. */
export class InvalidInvitationTokenError extends AppError {
  constructor() {
    super('unauthorized', 'The invitation token is invalid or has already been used');
  }
}

/** The inviter was removed or lost the right to invite (members.invite, or the role offered). */
export class InvitationRevokedError extends AppError {
  constructor() {
    super('unauthorized', 'The invitation was revoked: its inviter may no longer invite');
  }
}

/** The invited email has an account: only that account, signed in, may accept. */
export class SignInRequiredError extends AppError {
  constructor() {
    super('sign_in_required', 'The invited email has an account: sign in as it and accept with its access token');
  }
}

export class NotTheInviteeError extends AppError {
  constructor() {
    super('forbidden', 'The invitation is for another email address than the signed-in account');
  }
}

/** REQUIRE_VERIFIED_EMAIL=true: an unverified account joins nothing. */
export class InviteeNotVerifiedError extends AppError {
  constructor() {
    super('email_not_verified', 'Verify your email address before accepting an invitation');
  }
}

export class AccountDetailsRequiredError extends AppError {
  constructor(missing: ('name' | 'password')[]) {
    super('invalid_request', 'No account exists for this email: name and password are required to create one', {
      fields: missing.map((field) => ({ field, message: `${field} is required to create the account` })),
    });
  }
}
