import { AuditEvent } from '../audit/audit-event.entity';
import { EmailToken } from '../auth/email-token.entity';
import { RefreshTokenKey } from '../auth/refresh-token-key.entity';
import { Session } from '../auth/session.entity';
import { SigningKey } from '../auth/signing-key.entity';
import { OutboxEmail } from '../mail/outbox-email.entity';
import { Invitation } from '../organizations/invitation.entity';
import { Membership } from '../organizations/membership.entity';
import { Organization } from '../organizations/organization.entity';
import { Role } from '../organizations/role.entity';
import { User } from '../users/user.entity';

export const ENTITIES = [
  User,
  Organization,
  Role,
  Membership,
  Invitation,
  Session,
  SigningKey,
  RefreshTokenKey,
  EmailToken,
  OutboxEmail,
  AuditEvent,
];
