import { MigrationInterface, QueryRunner } from 'typeorm';

/** The partial indexes the retention sweep reads (one per way a row finishes), and the session cap's. */
const INDEXES: [name: string, definition: string][] = [
  ['ix_sessions_user_live', `"sessions" ("user_id") WHERE "revoked_at" IS NULL`],
  ['ix_sessions_expired', `"sessions" ("expires_at") WHERE "revoked_at" IS NULL`],
  ['ix_sessions_revoked', `"sessions" ("revoked_at") WHERE "revoked_at" IS NOT NULL`],
  ['ix_email_tokens_used', `"email_tokens" ("used_at") WHERE "used_at" IS NOT NULL`],
  ['ix_email_tokens_unused_expiry', `"email_tokens" ("expires_at") WHERE "used_at" IS NULL`],
  ['ix_outbox_emails_sent', `"outbox_emails" ("sent_at") WHERE "sent_at" IS NOT NULL`],
  ['ix_outbox_emails_failed', `"outbox_emails" ("failed_at") WHERE "failed_at" IS NOT NULL`],
  ['ix_outbox_events_published', `"outbox_events" ("published_at") WHERE "published_at" IS NOT NULL`],
  ['ix_invitations_accepted', `"invitations" ("accepted_at") WHERE "accepted_at" IS NOT NULL`],
  ['ix_invitations_pending_expiry', `"invitations" ("expires_at") WHERE "accepted_at" IS NULL`],
  ['ix_audit_events_occurred_at', `"audit_events" ("occurred_at")`],
];

/**
 * Retention, and erasure in an append-only trail. The trigger of audit_events refused every UPDATE
 * and DELETE; it now lets exactly two changes through, each checked row by row:
 *
 * - a DELETE of a row older than the cutoff its transaction declared in the transaction-local
 *   setting `identity.audit_retention_cutoff` (the retention sweep, with AUDIT_RETENTION set);
 * - an UPDATE that changes nothing but remove a person's `email`, `normalized_email` or `name`
 *   from `details` (an account deletion: the trail keeps the user id, loses who it was).
 *
 * Anything else still raises. The trigger guards the trail against mistakes of the service's own
 * code; it is no privilege boundary (the role that owns the table may drop it).
 */
export class Retention1765500000000 implements MigrationInterface {
  name = 'Retention1765500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [name, definition] of INDEXES) await queryRunner.query(`CREATE INDEX "${name}" ON ${definition}`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          -- A setting once set in a session reads '' outside the transaction that set it.
          IF OLD.occurred_at < NULLIF(current_setting('identity.audit_retention_cutoff', true), '')::timestamptz THEN
            RETURN OLD;
          END IF;
        ELSIF (NEW.id, NEW.type, NEW.actor_user_id, NEW.organization_id, NEW.target_id, NEW.ip, NEW.request_id, NEW.occurred_at)
              IS NOT DISTINCT FROM
              (OLD.id, OLD.type, OLD.actor_user_id, OLD.organization_id, OLD.target_id, OLD.ip, OLD.request_id, OLD.occurred_at)
          AND NEW.details = OLD.details - ARRAY['email', 'normalized_email', 'name'] THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only';
      END
      $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only';
      END
      $$`);
    for (const [name] of [...INDEXES].reverse()) await queryRunner.query(`DROP INDEX "${name}"`);
  }
}
