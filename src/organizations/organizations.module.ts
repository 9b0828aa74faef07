import { Module } from '@nestjs/common';

import { EventsModule } from '../events/events.module';
import { MailModule } from '../mail/mail.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { UsersModule } from '../users/users.module';
import { AuditEventsController } from './audit-events.controller';
import { InvitationAcceptanceService } from './invitation-acceptance.service';
import { InvitationMailer } from './invitation-mailer';
import { InvitationRules } from './invitation-rules';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { InviteeAccounts } from './invitee-accounts';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { MembershipsRepository } from './memberships.repository';
import { OrganizationAccess } from './organization-access';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { PersonalDataService } from './personal-data.service';
import { RolesController } from './roles.controller';
import { RolesRepository } from './roles.repository';
import { RolesService } from './roles.service';

@Module({
  imports: [UsersModule, MailModule, EventsModule, RateLimitModule],
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
    InvitationRules,
    InviteeAccounts,
    InvitationsService,
    InvitationAcceptanceService,
    InvitationMailer,
    PersonalDataService,
  ],
  exports: [OrganizationsService, InvitationsService, PersonalDataService],
})
export class OrganizationsModule {}
