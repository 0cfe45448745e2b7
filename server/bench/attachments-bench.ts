/**
 * `npm run bench:attachments` — issue 19's server budgets for attachments, on a real server
 * process (SQLite, files beside it; with BENCH_ATTACHMENTS_POSTGRES=1 also PostgreSQL, files
 * in the database, and PostgreSQL with the files in a shared folder (`ATTACHMENTS_DIR` set);
 * BENCH_ONLY=sqlite|postgres for SQLite or the two PostgreSQL rows, BENCH_POSTGRES_FOLDER_FIRST=1
 * to measure the folder's row first):
 *
 * - a 10 MiB upload through the server to storage on loopback (≥ 100 MiB/s, median of
 *   BENCH_ATTACHMENT_RUNS runs);
 * - the server's RSS growth while 10 such uploads run at once (≤ 20 MiB: the bodies are
 *   streamed to disk, never held), median of three rounds;
 * - the thumbnail of a 12-megapixel JPEG (≤ 300 ms; the server's own `makeThumbnail`),
 *   median of BENCH_ATTACHMENT_RUNS runs;
 * - CPU per MiB uploaded over the serial runs (from /proc: the server process, and on
 *   PostgreSQL its backends and workers), which the machine's load moves far less than the rate.
 *
 * PostgreSQL runs durable ({@link POSTGRES_SETTINGS}): an upload answered 201 is on disk.
 *
 * Prints one table. Not a test: nothing here asserts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeThumbnail } from '../src/attachments/image-processing.ts';
import { createDatabase, startPostgres } from '../src/dev/postgres-instance.ts';
import { postmasterPid, processCpuSeconds, processTreeCpuSeconds } from './load/cpu-time.ts';
import { jsonRequest, median, printTable, rssBytes, sleep, startServer, stopServer, type SpawnedServer } from './spawn-server.ts';

const MIB = 1024 * 1024;
const RUNS = Number(process.env.BENCH_ATTACHMENT_RUNS ?? 7);
const UPLOAD_BYTES = 10 * MIB;
const CONCURRENT_UPLOADS = 10;
/** Rounds of the concurrent uploads; each measures its own growth. */
const RSS_ROUNDS = 3;
/** How often the server's RSS is read while the uploads run. */
const RSS_SAMPLE_MS = 10;
/** `sqlite` or `postgres` measures only that storage (the thumbnail row is always there). */
const ONLY = process.env.BENCH_ONLY;
/** `BENCH_POSTGRES_FOLDER_FIRST=1`: the shared folder's row before the `attachment_chunks` one (compare both orders). */
const FOLDER_FIRST = process.env.BENCH_POSTGRES_FOLDER_FIRST === '1';
const BUDGET = { uploadMibPerS: 100, rssGrowthMib: 20, thumbnailMs: 300 };
/**
 * Durable, as production runs: every commit waits for its WAL to be flushed to disk (the
 * throwaway defaults of `startPostgres` turn that off, which no deployment would).
 */
const POSTGRES_SETTINGS = { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'on' };

/** A 10 MiB "PDF": its magic number, then incompressible bytes (the server stores a PDF as sent). */
const body = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(UPLOAD_BYTES - 9)]);

function uploadOnce(agent: http.Agent, port: number, threadId: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/v1/chat/threads/${threadId}/attachments?name=bench.pdf`,
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve(res.statusCode) : reject(new Error(`upload answered ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Row {
  storage: string;
  uploadMibPerS: number;
  rssGrowthMib: number;
  /** CPU µs per MiB uploaded: the server process, and PostgreSQL's processes (null on SQLite). */
  serverUsPerMib: number;
  postgresUsPerMib: number | null;
}

async function measureServer(name: string, env: Record<string, string>, postgresDataDir?: string): Promise<Row> {
  const server: SpawnedServer = await startServer({ ATTACHMENT_MAX_BYTES: String(20 * MIB), ...env });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENT_UPLOADS });
  try {
    const login = await jsonRequest<{ token: string }>(agent, server.port, 'POST', '/auth/login', null, {
      email: 'alice@example.com',
      password: 'password123',
    });
    const token = login.json.token;
    const thread = await jsonRequest<{ id: string }>(agent, server.port, 'POST', '/chat/threads', token, { target_user_ids: [] });
    const threadId = thread.json.id;
    // Warm-up: the first upload opens files, connections and JIT paths.
    await uploadOnce(agent, server.port, threadId, token);

    const rates: number[] = [];
    const postmaster = postgresDataDir === undefined ? undefined : postmasterPid(postgresDataDir);
    const postgresCpu = () => (postmaster === undefined ? 0 : processTreeCpuSeconds(postmaster));
    const serverCpuBefore = processCpuSeconds(server.child.pid!);
    const postgresCpuBefore = postgresCpu();
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      await uploadOnce(agent, server.port, threadId, token);
      rates.push(UPLOAD_BYTES / MIB / ((performance.now() - started) / 1000));
    }
    const uploadedMib = (RUNS * UPLOAD_BYTES) / MIB;
    const serverUsPerMib = ((processCpuSeconds(server.child.pid!) - serverCpuBefore) * 1e6) / uploadedMib;
    const postgresUsPerMib = postmaster === undefined ? null : ((postgresCpu() - postgresCpuBefore) * 1e6) / uploadedMib;

    const growths: number[] = [];
    for (let round = 0; round < RSS_ROUNDS; round++) {
      await sleep(200);
      const before = rssBytes(server.child.pid!);
      let peak = before;
      let running = true;
      const sampler = (async () => {
        while (running) {
          peak = Math.max(peak, rssBytes(server.child.pid!));
          await sleep(RSS_SAMPLE_MS);
        }
      })();
      await Promise.all(Array.from({ length: CONCURRENT_UPLOADS }, () => uploadOnce(agent, server.port, threadId, token)));
      running = false;
      await sampler;
      growths.push((peak - before) / MIB);
    }
    return { storage: name, uploadMibPerS: median(rates), rssGrowthMib: median(growths), serverUsPerMib, postgresUsPerMib };
  } finally {
    agent.destroy();
    await stopServer(server);
  }
}

async function measureThumbnail(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-thumb-'));
  try {
    // 4000 × 3000 of noise: a photo-like JPEG that does not compress to nothing.
    const photo = join(dir, 'photo.jpg');
    const noise = await sharp({
      create: {
        width: 4000,
        height: 3000,
        channels: 3,
        background: { r: 128, g: 128, b: 128 },
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg({ quality: 85 })
      .toBuffer();
    writeFileSync(photo, noise);
    await makeThumbnail(photo, join(dir, 'warm.webp'));
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      await makeThumbnail(photo, join(dir, `thumb-${run}.webp`));
      times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const rows: Row[] = [];
  if (ONLY !== 'postgres') rows.push(await measureServer('SQLite (files in ATTACHMENTS_DIR)', {}));
  if (process.env.BENCH_ATTACHMENTS_POSTGRES === '1' || ONLY === 'postgres') {
    const postgres = await startPostgres({ settings: POSTGRES_SETTINGS });
    try {
      const database = async () => ({
        DATABASE_URL: await createDatabase(postgres.url),
        DEMO_DATA: 'true',
        DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      });
      // The folder every process would mount (NFS, EFS, an RWX volume): here a local one.
      const sharedFolder = mkdtempSync(join(tmpdir(), 'ama2-bench-shared-'));
      const measures = [
        async () => measureServer('PostgreSQL (attachment_chunks)', await database(), postgres.dataDir),
        async () =>
          measureServer('PostgreSQL, files in a shared folder', { ...(await database()), ATTACHMENTS_DIR: sharedFolder }, postgres.dataDir),
      ];
      // The second row shares the disk with the first's checkpoint and writeback: alternate the order between runs.
      if (FOLDER_FIRST) measures.reverse();
      try {
        for (const measure of measures) rows.push(await measure());
      } finally {
        rmSync(sharedFolder, { recursive: true, force: true });
      }
    } finally {
      await postgres.stop();
    }
  }
  const thumbnailMs = await measureThumbnail();
  const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER');
  const table: string[][] = [];
  for (const row of rows) {
    table.push([
      `10 MiB upload, ${row.storage}`,
      `${row.uploadMibPerS.toFixed(0)} MiB/s`,
      `≥ ${BUDGET.uploadMibPerS} MiB/s`,
      verdict(row.uploadMibPerS >= BUDGET.uploadMibPerS),
    ]);
    table.push([
      `RSS growth, ${CONCURRENT_UPLOADS} × 10 MiB at once, ${row.storage}`,
      `${row.rssGrowthMib.toFixed(1)} MiB`,
      `≤ ${BUDGET.rssGrowthMib} MiB`,
      verdict(row.rssGrowthMib <= BUDGET.rssGrowthMib),
    ]);
    const postgresPart = row.postgresUsPerMib === null ? '' : ` + PostgreSQL ${(row.postgresUsPerMib / 1000).toFixed(1)} ms`;
    table.push([`CPU per MiB uploaded, ${row.storage}`, `server ${(row.serverUsPerMib / 1000).toFixed(1)} ms${postgresPart}`, '', '']);
  }
  table.push([
    'thumbnail of a 12-megapixel JPEG',
    `${thumbnailMs.toFixed(0)} ms`,
    `≤ ${BUDGET.thumbnailMs} ms`,
    verdict(thumbnailMs <= BUDGET.thumbnailMs),
  ]);
  console.log(
    `\nAttachments (issue 19), medians of ${RUNS} runs (RSS: of ${RSS_ROUNDS} rounds); load average ${loadavg()[0]!.toFixed(2)}\n`,
  );
  printTable(['what', 'measured', 'budget', ''], table);
}

await main();
