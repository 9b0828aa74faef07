import * as bcrypt from 'bcrypt';

import { MetricsService } from '../metrics/metrics.service';
import { HashQueue, PasswordHasher } from './password-hasher';
import { HashAbandonedError, HashQueueFullError } from './users.errors';

async function hasher(cost: number): Promise<PasswordHasher> {
  const instance = new PasswordHasher({ bcryptCost: cost, hashQueueLimit: 64 }, new MetricsService());
  await instance.onModuleInit();
  return instance;
}

/** A task that ends when told to. */
function pending(): { task: () => Promise<string>; finish: () => void } {
  let finish: () => void = () => undefined;
  const done = new Promise<string>((resolve) => (finish = () => resolve('done')));
  return { task: () => done, finish };
}

describe('PasswordHasher', () => {
  it('hashes at the configured cost and verifies the password', async () => {
    const passwords = await hasher(5);
    const hash = await passwords.hash('correct horse battery');
    expect(bcrypt.getRounds(hash)).toBe(5);
    await expect(passwords.verify('correct horse battery', hash)).resolves.toBe(true);
    await expect(passwords.verify('wrong horse battery', hash)).resolves.toBe(false);
  });

  it('never matches a password longer than 72 bytes, even when bcrypt would', async () => {
    const passwords = await hasher(4);
    const password = 'é'.repeat(36);
    const hash = await passwords.hash(password);
    expect(await bcrypt.compare(`${password}tail`, hash)).toBe(true);
    await expect(passwords.verify(`${password}tail`, hash)).resolves.toBe(false);
  });

  it('answers false when there is no stored hash (an unknown account)', async () => {
    const passwords = await hasher(4);
    await expect(passwords.verify('not-a-password-of-anyone', undefined)).resolves.toBe(false);
  });

  it('asks for a rehash only when the stored cost is below the configured one', async () => {
    const passwords = await hasher(6);
    expect(passwords.needsRehash(await bcrypt.hash('x', 5))).toBe(true);
    expect(passwords.needsRehash(await bcrypt.hash('x', 6))).toBe(false);
    expect(passwords.needsRehash(await bcrypt.hash('x', 7))).toBe(false);
  });
});

describe('HashQueue', () => {
  it('runs one task per slot, lets the queue fill, and refuses past it at once with Retry-After', async () => {
    const skipped: string[] = [];
    const queue = new HashQueue(1, 2, (reason) => skipped.push(reason));
    const first = pending();
    const running = queue.run(first.task);
    const queued = [queue.run(() => Promise.resolve('second')), queue.run(() => Promise.resolve('third'))];
    expect(queue.length).toBe(2);
    const refused = queue.run(() => Promise.resolve('fourth'));
    await expect(refused).rejects.toBeInstanceOf(HashQueueFullError);
    await expect(refused).rejects.toMatchObject({ code: 'unavailable', headers: { 'Retry-After': expect.any(String) } });
    expect(skipped).toEqual(['queue_full']);
    first.finish();
    await expect(Promise.all([running, ...queued])).resolves.toEqual(['done', 'second', 'third']);
  });

  it('drops a waiting task whose request was abandoned, without running it', async () => {
    const skipped: string[] = [];
    const queue = new HashQueue(1, 5, (reason) => skipped.push(reason));
    const first = pending();
    const running = queue.run(first.task);
    const abandoned = new AbortController();
    const task = jest.fn(() => Promise.resolve('never'));
    const dropped = queue.run(task, abandoned.signal);
    abandoned.abort();
    await expect(dropped).rejects.toBeInstanceOf(HashAbandonedError);
    expect(queue.length).toBe(0);
    first.finish();
    await running;
    expect(task).not.toHaveBeenCalled();
    expect(skipped).toEqual(['abandoned']);
    await expect(queue.run(() => Promise.resolve('later'), abandoned.signal)).rejects.toBeInstanceOf(HashAbandonedError);
  });

  it('never runs more tasks at once than it has slots', async () => {
    const queue = new HashQueue(2, 100);
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    };
    await Promise.all(Array.from({ length: 20 }, () => queue.run(task)));
    expect(most).toBe(2);
  });
});
