import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { AuditEventsController } from './audit-events.controller';
import { UsersModule } from '../users/users.module';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationAcceptanceService } from './invitation-acceptance.service';
import { InvitationsService } from './invitations.service';
import { MembersController } from './members.controller';
import { MembershipsRepository } from './memberships.repository';
import { MembersService } from './members.service';
import { OrganizationAccess } from './organization-access';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { RolesController } from './roles.controller';
import { RolesRepository } from './roles.repository';
import { RolesService } from './roles.service';

@Module({
  imports: [UsersModule, MailModule, RateLimitModule],
  controllers: [OrganizationsController, MembersController, RolesController, InvitationsController, AuditEventsController],
  providers: [
    OrganizationsRepository,
    MembershipsRepository,
    RolesRepository,
    InvitationsRepository,
    OrganizationAccess,
    OrganizationsService,
    MembersService,
    RolesService,
    InvitationsService,
    InvitationAcceptanceService,
  ],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
