import { MigrationInterface, QueryRunner } from 'typeorm';

export class Invitations1764500000000 implements MigrationInterface {
  name = 'Invitations1764500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "invitations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "organization_id" uuid NOT NULL,
        "email" character varying(320) NOT NULL,
        "role_id" uuid NOT NULL,
        "invited_by" uuid,
        "token_hash" character varying(64) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "accepted_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_invitations" PRIMARY KEY ("id"),
        CONSTRAINT "fk_invitations_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "fk_invitations_role" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "fk_invitations_invited_by" FOREIGN KEY ("invited_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_invitations_organization" ON "invitations" ("organization_id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_invitations_token_hash" ON "invitations" ("token_hash")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_invitations_pending_email" ON "invitations" ("organization_id", lower("email")) WHERE "accepted_at" IS NULL`,
    );
    // The in-use check on role deletion searches memberships by role.
    await queryRunner.query(`CREATE INDEX "ix_memberships_role" ON "memberships" ("role_id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_memberships_role"`);
    await queryRunner.query(`DROP TABLE "invitations"`);
  }
}
