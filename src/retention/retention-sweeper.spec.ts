import { Logger } from 'pino';

import { RetentionSettings } from '../config/retention.settings';
import { TransactionHost } from '../database/transaction-host';
import { MetricsService } from '../metrics/metrics.service';
import { RetentionLock } from './retention-lock.repository';
import { RetentionSweeper } from './retention-sweeper';
import { RetentionKind, RetentionTarget } from './retention-targets';

/** A table of `rows` finished rows, deleted `limit` at a time; the calls are recorded. */
function table(kind: RetentionKind, rows: number, { ageSeconds }: { ageSeconds: number | undefined } = { ageSeconds: 60 }) {
  const calls: { ageSeconds: number; limit: number }[] = [];
  let left = rows;
  const target: RetentionTarget = {
    kind,
    ageSeconds,
    deleteBatch: (age, limit) => {
      calls.push({ ageSeconds: age, limit });
      const deleted = Math.min(left, limit);
      left -= deleted;
      return Promise.resolve(deleted);
    },
  };
  return { target, calls, left: () => left };
}

function sweeperOf(targets: RetentionTarget[], lockFree: () => boolean = () => true) {
  const settings = { batchSize: 10, sweepIntervalSeconds: 3600 } as RetentionSettings;
  const tx = { run: <T>(work: () => Promise<T>) => work() } as TransactionHost;
  const lock = { tryTake: () => Promise.resolve(lockFree()) } as RetentionLock;
  const metrics = new MetricsService();
  const logger = { info: () => undefined, warn: () => undefined } as unknown as Logger;
  const sweeper = new RetentionSweeper(settings, tx, lock, { all: targets }, metrics, logger);
  return { sweeper, metrics };
}

describe('RetentionSweeper', () => {
  it('deletes each kind in batches until one comes back short, and counts what went per kind', async () => {
    const sessions = table('session', 25);
    const emails = table('email', 10);
    const { sweeper, metrics } = sweeperOf([sessions.target, emails.target]);

    expect(await sweeper.sweep()).toEqual({ session: 25, email: 10 });

    expect(sessions.calls).toEqual([
      { ageSeconds: 60, limit: 10 },
      { ageSeconds: 60, limit: 10 },
      { ageSeconds: 60, limit: 10 },
    ]);
    // A full batch may hide more: one more, empty, ends the kind.
    expect(emails.calls).toHaveLength(2);
    const counted = (await metrics.retentionDeleted.get()).values;
    expect(counted).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { kind: 'session' }, value: 25 }),
        expect.objectContaining({ labels: { kind: 'email' }, value: 10 }),
        expect.objectContaining({ labels: { kind: 'audit_event' }, value: 0 }),
      ]),
    );
  });

  it('skips a kind kept for ever (AUDIT_RETENTION unset)', async () => {
    const audit = table('audit_event', 5, { ageSeconds: undefined });
    const { sweeper } = sweeperOf([audit.target]);
    expect(await sweeper.sweep()).toEqual({});
    expect(audit.calls).toEqual([]);
  });

  it('leaves the pass to the replica whose batch holds the lock', async () => {
    const sessions = table('session', 25);
    const invitations = table('invitation', 5);
    let batches = 0;
    // Free for the first batch, then another replica takes it.
    const { sweeper } = sweeperOf([sessions.target, invitations.target], () => batches++ < 1);

    expect(await sweeper.sweep()).toBeUndefined();
    expect(sessions.left()).toBe(15);
    expect(invitations.calls).toEqual([]);
  });

  it('joins a pass already running instead of starting a second one', async () => {
    const sessions = table('session', 5);
    const { sweeper } = sweeperOf([sessions.target]);
    const [first, second] = await Promise.all([sweeper.sweep(), sweeper.sweep()]);
    expect(first).toEqual({ session: 5 });
    expect(second).toBe(first);
    expect(sessions.calls).toHaveLength(1);
  });
});
