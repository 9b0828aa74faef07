import { MigrationInterface, QueryRunner } from 'typeorm';

const ALL = [
  'org.read',
  'org.update',
  'org.delete',
  'members.read',
  'members.invite',
  'members.update',
  'members.remove',
  'roles.read',
  'roles.create',
  'roles.update',
  'roles.delete',
  'projects.read',
  'projects.write',
  'projects.delete',
  'project_members.read',
  'project_members.write',
  'environments.read',
  'environments.write',
  'environments.delete',
  'api_keys.read',
  'api_keys.write',
  'flags.read',
  'flags.write',
  'rules.read',
  'rules.write',
  'usage.read',
  'billing.read',
  'billing.write',
  'exports.write',
  'audit.read',
];

// A frozen copy of the built-in roles as they were when this migration was written.
const SYSTEM_ROLES: [string, string, string, string[]][] = [
  ['00000000-0000-4000-8000-000000000001', 'owner', 'Owner', ALL],
  ['00000000-0000-4000-8000-000000000002', 'admin', 'Admin', ALL.filter((p) => p !== 'org.delete')],
  [
    '00000000-0000-4000-8000-000000000003',
    'developer',
    'Developer',
    [
      'org.read',
      'members.read',
      'roles.read',
      'projects.read',
      'project_members.read',
      'environments.read',
      'api_keys.read',
      'flags.read',
      'flags.write',
      'rules.read',
      'rules.write',
    ],
  ],
  [
    '00000000-0000-4000-8000-000000000004',
    'analyst',
    'Analyst',
    ['org.read', 'members.read', 'roles.read', 'projects.read', 'environments.read', 'flags.read', 'rules.read', 'usage.read'],
  ],
  ['00000000-0000-4000-8000-000000000005', 'viewer', 'Viewer', ['org.read', 'projects.read', 'environments.read', 'flags.read']],
];

export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(200) NOT NULL,
        "email" character varying(320) NOT NULL,
        "password_hash" character varying(100) NOT NULL,
        "role" character varying(16) NOT NULL DEFAULT 'admin',
        "email_verified_at" TIMESTAMP WITH TIME ZONE,
        "last_organization_id" uuid,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_users" PRIMARY KEY ("id"),
        CONSTRAINT "ck_users_role" CHECK ("role" IN ('admin', 'read_only'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_email_lower" ON "users" (lower("email"))`);

    await queryRunner.query(`
      CREATE TABLE "organizations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(200) NOT NULL,
        "slug" character varying(63) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "deleted_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_organizations" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_organizations_slug" ON "organizations" ("slug")`);

    await queryRunner.query(`
      CREATE TABLE "roles" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "organization_id" uuid,
        "key" character varying(64) NOT NULL,
        "name" character varying(200) NOT NULL,
        "is_system" boolean NOT NULL DEFAULT false,
        "permissions" text array NOT NULL DEFAULT '{}',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_roles" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_roles_system_key" ON "roles" ("key") WHERE "organization_id" IS NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_roles_organization_key" ON "roles" ("organization_id", "key") WHERE "organization_id" IS NOT NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE "memberships" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "organization_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "role_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_memberships" PRIMARY KEY ("id"),
        CONSTRAINT "fk_memberships_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "fk_memberships_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "fk_memberships_role" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_memberships_user_organization" ON "memberships" ("user_id", "organization_id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_memberships_organization" ON "memberships" ("organization_id")`);

    await queryRunner.query(`
      CREATE TABLE "sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "organization_id" uuid,
        "refresh_token_hash" character varying(64) NOT NULL,
        "previous_refresh_token_hash" character varying(64),
        "rotated_at" TIMESTAMP WITH TIME ZONE,
        "user_agent" character varying(512),
        "ip" character varying(64),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "revoked_reason" character varying(32),
        CONSTRAINT "pk_sessions" PRIMARY KEY ("id"),
        CONSTRAINT "fk_sessions_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_sessions_user" ON "sessions" ("user_id")`);

    await queryRunner.query(`
      CREATE TABLE "signing_keys" (
        "kid" character varying(64) NOT NULL,
        "algorithm" character varying(8) NOT NULL,
        "material" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "retired_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_signing_keys" PRIMARY KEY ("kid")
      )`);

    for (const [id, key, name, permissions] of SYSTEM_ROLES) {
      await queryRunner.query(
        `INSERT INTO "roles" ("id", "organization_id", "key", "name", "is_system", "permissions") VALUES ($1, NULL, $2, $3, true, $4)`,
        [id, key, name, permissions],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "signing_keys"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP TABLE "memberships"`);
    await queryRunner.query(`DROP TABLE "roles"`);
    await queryRunner.query(`DROP TABLE "organizations"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
