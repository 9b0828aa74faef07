import { MigrationInterface, QueryRunner } from 'typeorm';

/** Passkeys (WebAuthn credentials) and the single-use challenges of their ceremonies. */
export class Passkeys1765500200000 implements MigrationInterface {
  name = 'Passkeys1765500200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "passkeys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "credential_id" text NOT NULL,
        "public_key" bytea NOT NULL,
        "counter" bigint NOT NULL DEFAULT 0,
        "transports" text array NOT NULL DEFAULT '{}',
        "device_type" character varying(16) NOT NULL,
        "backed_up" boolean NOT NULL,
        "name" character varying(100) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_passkeys" PRIMARY KEY ("id"),
        CONSTRAINT "fk_passkeys_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_passkeys_credential_id" ON "passkeys" ("credential_id")`);
    await queryRunner.query(`CREATE INDEX "ix_passkeys_user" ON "passkeys" ("user_id")`);

    await queryRunner.query(`
      CREATE TABLE "webauthn_challenges" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "token_hash" character varying(64) NOT NULL,
        "challenge" character varying(128) NOT NULL,
        "user_id" uuid,
        "purpose" character varying(16) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_webauthn_challenges" PRIMARY KEY ("id"),
        CONSTRAINT "fk_webauthn_challenges_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_webauthn_challenges_token_hash" ON "webauthn_challenges" ("token_hash")`);
    await queryRunner.query(`CREATE INDEX "ix_webauthn_challenges_user" ON "webauthn_challenges" ("user_id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_webauthn_challenges_used" ON "webauthn_challenges" ("used_at") WHERE "used_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webauthn_challenges_unused_expiry" ON "webauthn_challenges" ("expires_at") WHERE "used_at" IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webauthn_challenges"`);
    await queryRunner.query(`DROP TABLE "passkeys"`);
  }
}
