import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Emails go out in two lanes, `account` (verification, password reset, notices) and `bulk`
 * (invitations), sent side by side so a flood of invitations never delays a reset link. Sent and
 * given-up emails keep no token: the links of those already stored are redacted here, as the mail
 * worker now does once an email is sent.
 */
export class OutboxLanes1765000100000 implements MigrationInterface {
  name = 'OutboxLanes1765000100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outbox_emails" ADD "lane" character varying(16) NOT NULL DEFAULT 'account'`);
    await queryRunner.query(
      `ALTER TABLE "outbox_emails" ADD CONSTRAINT "ck_outbox_emails_lane" CHECK ("lane" IN ('account', 'bulk'))`,
    );
    await queryRunner.query(`UPDATE "outbox_emails" SET "lane" = 'bulk' WHERE "text_body" LIKE '%/accept-invitation?token=%'`);
    await queryRunner.query(`DROP INDEX "ix_outbox_emails_due"`);
    await queryRunner.query(
      `CREATE INDEX "ix_outbox_emails_due" ON "outbox_emails" ("lane", "next_attempt_at") WHERE "sent_at" IS NULL AND "failed_at" IS NULL`,
    );
    for (const column of ['text_body', 'html_body']) {
      await queryRunner.query(
        `UPDATE "outbox_emails" SET "${column}" = regexp_replace("${column}", '([?&;]token=)[^&[:space:]"''<>\\\\#]+', '\\1[redacted]', 'g')
          WHERE "sent_at" IS NOT NULL OR "failed_at" IS NOT NULL`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_outbox_emails_due"`);
    await queryRunner.query(
      `CREATE INDEX "ix_outbox_emails_due" ON "outbox_emails" ("next_attempt_at") WHERE "sent_at" IS NULL AND "failed_at" IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "outbox_emails" DROP CONSTRAINT "ck_outbox_emails_lane"`);
    await queryRunner.query(`ALTER TABLE "outbox_emails" DROP COLUMN "lane"`);
  }
}
