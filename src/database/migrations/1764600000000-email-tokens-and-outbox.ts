import { MigrationInterface, QueryRunner } from 'typeorm';

export class EmailTokensAndOutbox1764600000000 implements MigrationInterface {
  name = 'EmailTokensAndOutbox1764600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "email_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "purpose" character varying(32) NOT NULL,
        "token_hash" character varying(64) NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_email_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "fk_email_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_email_tokens_hash" ON "email_tokens" ("token_hash")`);
    await queryRunner.query(`CREATE INDEX "ix_email_tokens_user_purpose" ON "email_tokens" ("user_id", "purpose")`);

    await queryRunner.query(`
      CREATE TABLE "outbox_emails" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "to_address" character varying(320) NOT NULL,
        "subject" character varying(300) NOT NULL,
        "text_body" text NOT NULL,
        "html_body" text NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "locked_until" TIMESTAMP WITH TIME ZONE,
        "last_error" character varying(500),
        "sent_at" TIMESTAMP WITH TIME ZONE,
        "failed_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_outbox_emails" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_outbox_emails_due" ON "outbox_emails" ("next_attempt_at") WHERE "sent_at" IS NULL AND "failed_at" IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "outbox_emails"`);
    await queryRunner.query(`DROP TABLE "email_tokens"`);
  }
}
