import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class HealthRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The pg pool's connection counts (TypeORM keeps the pool on the driver). */
  poolStats(): { total: number; idle: number; waiting: number } | undefined {
    const pool = (
      this.dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }
    ).master;
    return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : undefined;
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
