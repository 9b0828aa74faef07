/**
 * npm run bench:signing — where a login's JWT signature should run while bcrypt fills the thread pool.
 *
 * A login is a bcrypt comparison (on libuv's thread pool) and then a signature. Signed with
 * node:crypto's callback form, the signature also goes to the thread pool, and waits there behind
 * every comparison queued before it; signed on the event loop, it holds up the event loop instead.
 * For each algorithm (RS256, ES256, EdDSA), each place (thread pool, event loop) and each thread
 * pool size (BENCH_POOL_SIZES, default 2,4,8), a child process keeps BENCH_HASHES comparisons at
 * cost 10 in flight (default: one per core, as the service's hash queue lets them run; 16 shows a
 * service without that queue at 16 connections) while it signs one token after another for
 * BENCH_SECONDS (default 4), and reports: the signature's wall time (queue included), the event
 * loop's time per signature (the async call's own cost included), and the comparisons per second
 * meanwhile (what the signatures cost bcrypt's throughput).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

import * as bcrypt from 'bcrypt';

const SIZES = (process.env.BENCH_POOL_SIZES ?? '2,4,8').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const HASHES = Number(process.env.BENCH_HASHES ?? availableParallelism());
const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
type Algorithm = (typeof ALGORITHMS)[number];
type Place = 'pool' | 'loop';

interface Result {
  signatures: number;
  wallMs: number;
  loopMs: number;
  hashesPerSecond: number;
}

function keyFor(algorithm: Algorithm): { key: KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' }; digest: string | null } {
  if (algorithm === 'RS256') return { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, digest: 'sha256' };
  if (algorithm === 'ES256') {
    return {
      key: { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, dsaEncoding: 'ieee-p1363' },
      digest: 'sha256',
    };
  }
  return { key: generateKeyPairSync('ed25519').privateKey, digest: null };
}

/** In the child: comparisons in flight the whole time, signatures one after another. */
async function measure(algorithm: Algorithm, place: Place): Promise<Result> {
  const { key, digest } = keyFor(algorithm);
  const input = Buffer.alloc(420, 0x61);
  const signAsync = promisify(sign);
  const hash = await bcrypt.hash('benchmark-password', 10);
  let running = true;
  let hashes = 0;
  const workers = Array.from({ length: HASHES }, async () => {
    while (running) {
      await bcrypt.compare('benchmark-password', hash);
      hashes++;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const hashesBefore = hashes;
  let signatures = 0;
  let wall = 0;
  let loop = 0;
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) {
    const t0 = performance.now();
    if (place === 'loop') {
      sign(digest, input, key);
      loop += performance.now() - t0;
    } else {
      const pending = signAsync(digest, input, key);
      loop += performance.now() - t0;
      await pending;
    }
    wall += performance.now() - t0;
    signatures++;
    // A login's other work happens between its signatures.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const elapsed = (performance.now() - started) / 1000;
  const hashesPerSecond = (hashes - hashesBefore) / elapsed;
  running = false;
  await Promise.all(workers);
  return { signatures, wallMs: wall / signatures, loopMs: loop / signatures, hashesPerSecond };
}

async function main(): Promise<void> {
  const child = process.env.BENCH_SIGNING_CHILD;
  if (child) {
    const [algorithm, place] = child.split(':') as [Algorithm, Place];
    process.stdout.write(JSON.stringify(await measure(algorithm, place)));
    return;
  }
  const cpu = execFileSync('nproc').toString().trim();
  console.log(`${HASHES} bcrypt comparisons (cost 10) in flight on ${cpu} cores; one signature after another, ${SECONDS} s each`);
  console.log('pool size  algorithm  signed on      wall ms/signature  event loop ms/signature  comparisons/s');
  for (const size of SIZES) {
    for (const algorithm of ALGORITHMS) {
      for (const place of ['pool', 'loop'] as Place[]) {
        const run = spawnSync(process.execPath, [...process.execArgv, __filename], {
          env: { ...process.env, UV_THREADPOOL_SIZE: String(size), BENCH_SIGNING_CHILD: `${algorithm}:${place}` },
          encoding: 'utf8',
        });
        if (run.status !== 0) throw new Error(run.stderr);
        const r = JSON.parse(run.stdout) as Result;
        console.log(
          `${String(size).padStart(9)}  ${algorithm.padEnd(9)}  ${(place === 'pool' ? 'thread pool' : 'event loop').padEnd(12)}  ` +
            `${r.wallMs.toFixed(2).padStart(17)}  ${r.loopMs.toFixed(3).padStart(23)}  ${r.hashesPerSecond.toFixed(1).padStart(13)}`,
        );
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
