import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Logger } from 'pino';

import { LOGGER } from '../common/logging/logger.module';
import { RetentionSettings } from '../config/retention.settings';
import { TransactionHost } from '../database/transaction-host';
import { MetricsService } from '../metrics/metrics.service';
import { RetentionLock } from './retention-lock.repository';
import { RETENTION_KINDS, RetentionKind, RetentionTarget, RetentionTargets } from './retention-targets';

// A replica that has just started sweeps this soon (or after one interval, if shorter): replicas
// that are redeployed more often than RETENTION_SWEEP_INTERVAL still sweep.
const FIRST_SWEEP_MAX_SECONDS = 60;

export type SweepResult = Partial<Record<RetentionKind, number>>;

/**
 * Deletes what the service no longer needs (RetentionSettings), every RETENTION_SWEEP_INTERVAL,
 * in batches of RETENTION_BATCH_SIZE rows by primary key, each in a short transaction of its own:
 * the tables the hot paths use are never locked for long, and a large backlog goes a batch at a
 * time. One replica at a time: each batch first takes a transaction-scoped advisory lock, and a
 * replica that finds it taken leaves the pass to the one holding it.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<SweepResult | undefined> | undefined;
  private stopped = false;

  constructor(
    private readonly settings: RetentionSettings,
    private readonly tx: TransactionHost,
    private readonly lock: RetentionLock,
    private readonly targets: RetentionTargets,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // Every kind shows from the start, at 0, so a dashboard can tell "nothing yet" from "no data".
    for (const kind of RETENTION_KINDS) metrics.retentionDeleted.inc({ kind }, 0);
  }

  onApplicationBootstrap(): void {
    this.schedule(Math.min(this.settings.sweepIntervalSeconds, FIRST_SWEEP_MAX_SECONDS));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  /**
   * One pass over every kind; the rows deleted per kind, or undefined when another replica was
   * sweeping (this one then left the pass to it). A pass already running is joined.
   */
  sweep(): Promise<SweepResult | undefined> {
    this.current ??= this.sweepAll().finally(() => (this.current = undefined));
    return this.current;
  }

  private schedule(seconds: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sweep()
        .catch((error: unknown) =>
          this.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'retention sweep failed'),
        )
        .finally(() => this.schedule(this.settings.sweepIntervalSeconds));
    }, seconds * 1000);
    this.timer.unref();
  }

  private async sweepAll(): Promise<SweepResult | undefined> {
    const started = Date.now();
    const result: SweepResult = {};
    for (const target of this.targets.all) {
      if (target.ageSeconds === undefined) continue;
      const deleted = await this.sweepKind(target, target.ageSeconds);
      if (deleted === undefined) return undefined;
      if (deleted > 0) result[target.kind] = deleted;
    }
    if (Object.keys(result).length > 0) {
      this.logger.info({ deleted: result, duration_ms: Date.now() - started }, 'retention sweep deleted finished rows');
    }
    return result;
  }

  /** Batches until one comes back short; undefined when another replica holds the lock. */
  private async sweepKind(target: RetentionTarget, ageSeconds: number): Promise<number | undefined> {
    const limit = this.settings.batchSize;
    let total = 0;
    while (!this.stopped) {
      const deleted = await this.tx.run(async () =>
        (await this.lock.tryTake()) ? target.deleteBatch(ageSeconds, limit) : undefined,
      );
      if (deleted === undefined) return undefined;
      total += deleted;
      this.metrics.retentionDeleted.inc({ kind: target.kind }, deleted);
      if (deleted < limit) break;
      // Requests waiting on this process (and, embedded, on its one database connection) go first.
      await yieldToEventLoop();
    }
    return total;
  }
}
