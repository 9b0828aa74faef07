import { MigrationInterface, QueryRunner } from 'typeorm';

interface UserRow {
  id: string;
  email: string;
  lowered: string;
  verified: boolean;
}

/**
 * Emails are stored in one normalised form (trim, NFKC, lowercase) and unique in it: users get a
 * plain unique index on `email` instead of one on `lower(email)`, which disagreed with the
 * service's own lowercasing outside ASCII; pending invitations likewise.
 *
 * Rows that normalise to one address (`alice@` and `ａlice@`): one keeps the address, the others
 * keep their old spelling, which no lookup reaches any more (every lookup normalises first), and
 * get a `user.email_collision` audit event naming the kept account, for an operator to resolve.
 * The keeper is the row that signing in with the normalised address reached before (`lower(email)`
 * equal to it), else a verified one, else the oldest. Of pending invitations that collide in one
 * organization, the newest stays and the older ones are deleted (their tokens stop working).
 */
export class NormalizedEmails1765000000000 implements MigrationInterface {
  name = 'NormalizedEmails1765000000000';

  /**
   * The normaliser as this migration applies it, frozen here on purpose: a migration must do the
   * same thing whenever it runs, whatever src/users/email.ts becomes later (a unit test there
   * checks that the two agree today). A static method: TypeORM takes every export of a migration
   * file for a migration.
   */
  static normalize(email: string): string {
    return email.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
  }

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "uq_users_email_lower"`);
    await queryRunner.query(`DROP INDEX "uq_invitations_pending_email"`);

    const users = (await queryRunner.query(
      `SELECT id, email, lower(email) AS lowered, email_verified_at IS NOT NULL AS verified
         FROM users ORDER BY created_at, id`,
    )) as UserRow[];
    const groups = new Map<string, UserRow[]>();
    for (const user of users) {
      const normalized = NormalizedEmails1765000000000.normalize(user.email);
      groups.set(normalized, [...(groups.get(normalized) ?? []), user]);
    }
    for (const [normalized, rows] of groups) {
      const keeper = rows.find((row) => row.lowered === normalized) ?? rows.find((row) => row.verified) ?? rows[0];
      if (keeper.email !== normalized) {
        await queryRunner.query(`UPDATE users SET email = $2 WHERE id = $1`, [keeper.id, normalized]);
      }
      for (const other of rows.filter((row) => row !== keeper)) {
        await queryRunner.query(
          `INSERT INTO audit_events (type, actor_user_id, target_id, details) VALUES ('user.email_collision', NULL, $1, $2)`,
          [other.id, JSON.stringify({ normalized_email: normalized, kept_user_id: keeper.id })],
        );
      }
    }

    const invitations = (await queryRunner.query(
      `SELECT id, organization_id, email FROM invitations WHERE accepted_at IS NULL ORDER BY created_at DESC, id DESC`,
    )) as { id: string; organization_id: string; email: string }[];
    const pending = new Set<string>();
    for (const invitation of invitations) {
      const normalized = NormalizedEmails1765000000000.normalize(invitation.email);
      const key = `${invitation.organization_id} ${normalized}`;
      if (pending.has(key)) {
        await queryRunner.query(`DELETE FROM invitations WHERE id = $1`, [invitation.id]);
        continue;
      }
      pending.add(key);
      if (invitation.email !== normalized)
        await queryRunner.query(`UPDATE invitations SET email = $2 WHERE id = $1`, [invitation.id, normalized]);
    }
    const accepted = (await queryRunner.query(`SELECT id, email FROM invitations WHERE accepted_at IS NOT NULL`)) as {
      id: string;
      email: string;
    }[];
    for (const invitation of accepted) {
      const normalized = NormalizedEmails1765000000000.normalize(invitation.email);
      if (invitation.email !== normalized)
        await queryRunner.query(`UPDATE invitations SET email = $2 WHERE id = $1`, [invitation.id, normalized]);
    }

    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_email" ON "users" ("email")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_invitations_pending_email" ON "invitations" ("organization_id", "email") WHERE "accepted_at" IS NULL`,
    );
  }

  /** The indexes return; the emails stay normalised (the old spelling is gone, and lowercase suits the old index). */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "uq_invitations_pending_email"`);
    await queryRunner.query(`DROP INDEX "uq_users_email"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_invitations_pending_email" ON "invitations" ("organization_id", lower("email")) WHERE "accepted_at" IS NULL`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_email_lower" ON "users" (lower("email"))`);
  }
}
