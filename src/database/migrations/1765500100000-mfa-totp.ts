import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Multi-factor sign-in (TOTP): the factor of a user (its secret sealed with DATA_ENCRYPTION_KEY),
 * the recovery codes (hashes only) and the challenges of the login step (the mfa_token's hash).
 * Every row belongs to a user and goes with the account (ON DELETE CASCADE).
 */
export class MfaTotp1765500100000 implements MigrationInterface {
  name = 'MfaTotp1765500100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "mfa_totp_factors" (
        "user_id" uuid NOT NULL,
        "secret" text NOT NULL,
        "confirmed_at" TIMESTAMP WITH TIME ZONE,
        "last_used_step" integer,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_mfa_totp_factors" PRIMARY KEY ("user_id"),
        CONSTRAINT "fk_mfa_totp_factors_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`
      CREATE TABLE "mfa_recovery_codes" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "code_hash" character varying(64) NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_mfa_recovery_codes" PRIMARY KEY ("id"),
        CONSTRAINT "fk_mfa_recovery_codes_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_mfa_recovery_codes_user_hash" ON "mfa_recovery_codes" ("user_id", "code_hash")`,
    );
    await queryRunner.query(`
      CREATE TABLE "mfa_challenges" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "token_hash" character varying(64) NOT NULL,
        "user_id" uuid NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "failures" integer NOT NULL DEFAULT 0,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "passkey_challenge_token" character varying(1024),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_mfa_challenges" PRIMARY KEY ("id"),
        CONSTRAINT "fk_mfa_challenges_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_mfa_challenges_token_hash" ON "mfa_challenges" ("token_hash")`);
    await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_user" ON "mfa_challenges" ("user_id")`);
    // The retention sweep finds finished challenges by when they finished: used, or expired unused.
    await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_used" ON "mfa_challenges" ("used_at") WHERE "used_at" IS NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "ix_mfa_challenges_unused_expiry" ON "mfa_challenges" ("expires_at") WHERE "used_at" IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "mfa_challenges"`);
    await queryRunner.query(`DROP TABLE "mfa_recovery_codes"`);
    await queryRunner.query(`DROP TABLE "mfa_totp_factors"`);
  }
}
