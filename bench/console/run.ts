// Console page benchmark (not part of npm test): `npx tsx bench/console/run.ts`.
// BENCH_INCIDENTS (default 10000) incidents in the store, BENCH_SEED (default 120) of them filed and
// triaged through the whole pipeline, the rest copies of those (new id and reference, every other one in
// a second bureau); BENCH_REQUESTS (default 40) timed requests per page. Prints, per page, the time to
// the full answer over loopback (p50/p95, ms) and the HTML size, plus the stylesheet and scripts a
// page loads (page weight), and the countdown refresh (a queue page's rows fragment).
import { ObjectId } from 'mongodb';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLOCK_RECORDS_COLLECTION } from '../../src/clocks/index.js';
import { ALL_SCOPE, systemActor, type Role } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { startFerretDb, startRedisServer } from '../../src/platform/embedded/index.js';
import { createLogger } from '../../src/platform/index.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { reportBody, uniqueIndicator } from '../../test/factories/incident.factory.js';

const TOTAL = Number(process.env.BENCH_INCIDENTS ?? 10_000);
const SEED = Number(process.env.BENCH_SEED ?? 120);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40);
const BUREAU = 'BENCH';
const OTHER = 'BENCHB';

const dir = mkdtempSync(join(tmpdir(), 'console-bench-'));
const [ferret, redisServer] = await Promise.all([
  startFerretDb(join(dir, 'ferretdb')),
  startRedisServer(join(dir, 'redis')),
]);

function runtimeConfig(workers: boolean) {
  return loadConfig({
    NODE_ENV: 'test',
    HTTP_PORT: '0',
    MONGODB_URI: `${ferret.uri}consolebench`,
    REDIS_URL: redisServer.url,
    LOG_LEVEL: 'warn',
    RUN_WORKERS: String(workers),
    RATE_LIMIT_PER_MINUTE: '100000000',
    SESSION_SECRET: 'console-bench-session-secret-0123456789abcdef',
    CONSOLE_TOTP_REQUIRED: 'false',
  });
}

async function start(workers: boolean): Promise<Runtime & { url: string }> {
  const config = runtimeConfig(workers);
  const runtime = await startRuntime(config, createLogger('warn'), {
    mongodbUri: config.MONGODB_URI ?? '',
    redisUrl: redisServer.url,
  });
  if (!runtime.url) throw new Error('API not started');
  return Object.assign(runtime, { url: runtime.url });
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

const setup = systemActor('bench');
const password = 'console-bench-password-1';

async function person(runtime: Runtime, role: Role, bureauId: string | null): Promise<string> {
  const email = `${role}-${(bureauId ?? 'cert').toLowerCase()}@bench.example`;
  const user = await runtime.modules.auth.users.create(setup, {
    name: `${role} bench`,
    email,
    role,
    bureauId,
  });
  await runtime.modules.accounts.accounts.setPassword(
    setup,
    { id: user.id, name: user.name, email, role, bureauId, active: true },
    password,
  );
  return email;
}

/** Signs in through the login form, as a browser does; returns the session cookie. */
async function signIn(base: string, email: string): Promise<string> {
  const form = await fetch(`${base}/console/login`);
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on the sign-in page');
  const answer = await fetch(`${base}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password, next: '/console' }).toString(),
  });
  const session = (answer.headers.get('set-cookie') ?? '').split(';')[0];
  if (answer.status !== 303 || !session) throw new Error(`sign-in of ${email} answered ${answer.status}`);
  return session;
}

interface PageFigures {
  p50: number;
  p95: number;
  bytes: number;
  assets: string[];
  /** Answers other than 200 (a store timeout is a 500), and the last one's status. */
  failures: number;
  lastFailure: number | null;
}

/** Times `REQUESTS` loads of a page; a page that fails three times is not asked again (each waits long). */
async function timePage(base: string, cookie: string, path: string): Promise<PageFigures> {
  const times: number[] = [];
  let bytes = 0;
  let html = '';
  let failures = 0;
  let lastFailure: number | null = null;
  for (let i = 0; i < REQUESTS && failures < 3; i += 1) {
    const started = performance.now();
    const answer = await fetch(`${base}${path}`, { headers: { cookie } });
    const text = await answer.text();
    times.push(performance.now() - started);
    if (answer.status !== 200) {
      failures += 1;
      lastFailure = answer.status;
      continue;
    }
    html = text;
    bytes = Buffer.byteLength(html);
  }
  const assets = [...html.matchAll(/(?:href|src)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]);
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    bytes,
    assets: [...new Set(assets)],
    failures,
    lastFailure,
  };
}

try {
  // 1. File and triage the seed reports through the whole pipeline (API and workers).
  let runtime = await start(true);
  const { bureaux, users, keys } = runtime.modules.auth;
  for (const code of [BUREAU, OTHER]) {
    await bureaux.create(setup, { code, name: `Bench bureau ${code}`, regimes: ['HK-GOV'], contacts: [] });
  }
  const keyUser = await users.create(setup, {
    name: 'bench key',
    email: 'key@bench.example',
    role: 'reporter',
    bureauId: BUREAU,
  });
  const { key } = await keys.issue(setup, { userId: keyUser.id, label: 'bench', expiresInDays: 1 });
  const reporterEmail = await person(runtime, 'reporter', BUREAU);
  const responderEmail = await person(runtime, 'responder', null);
  const started = performance.now();
  const ids: string[] = [];
  const categories = [
    'ransomware',
    'malware_infection',
    'denial_of_service',
    'website_defacement',
    'compromise',
  ];
  for (let n = 0; n < SEED; n += 1) {
    const answer = await fetch(`${runtime.url}/api/v1/incidents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'idempotency-key': `bench-${n}`,
      },
      body: JSON.stringify(
        reportBody({
          title: `Bench incident ${n}`,
          category: categories[n % categories.length],
          indicators: [uniqueIndicator()],
        }),
      ),
    });
    const body = (await answer.json()) as { id?: string };
    if (answer.status !== 201 || !body.id) {
      throw new Error(`report ${n} answered ${answer.status}: ${JSON.stringify(body)}`);
    }
    ids.push(body.id);
  }
  const incidents = runtime.platform.db.db!.collection('incidents');
  for (;;) {
    const untriaged = await incidents.countDocuments({ triagePending: true });
    if (untriaged === 0) break;
    await sleep(1000);
  }
  console.log(`${SEED} reports filed and triaged in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await runtime.stop();

  // 2. Copies up to TOTAL: the seed documents as triage wrote them, with new ids and references,
  //    nothing left in their outboxes, every other one in the second bureau.
  const db = (runtime = await start(false)).platform.db.db!;
  const seeds = await db.collection('incidents').find({}).toArray();
  // Their clock records too (the clocks' own collection), copied under the copies' ids.
  const seedClocks = new Map(
    (await db.collection(CLOCK_RECORDS_COLLECTION).find({}).toArray()).map((record) => [
      String(record._id),
      record,
    ]),
  );
  const copyStarted = performance.now();
  const copyIds: string[] = [];
  let made = seeds.length;
  while (made < TOTAL) {
    const batch = [];
    const clockBatch = [];
    for (let i = 0; i < 500 && made < TOTAL; i += 1, made += 1) {
      const seed = seeds[made % seeds.length];
      const id = new ObjectId();
      copyIds.push(id.toHexString());
      const clocks = seedClocks.get(String(seed._id));
      if (clocks)
        clockBatch.push({ ...clocks, _id: id, pendingAudit: [], pendingJobs: [], outbox: [], timers: [] });
      batch.push({
        ...seed,
        _id: id,
        ref: `GC-2026-${String(100_000 + made)}`,
        seq: 100_000 + made, // (series, year, seq) is the reference's unique key
        bureauId: made % 2 === 0 ? BUREAU : OTHER,
        pendingAudit: [],
        notificationOutbox: [],
      });
    }
    await db.collection('incidents').insertMany(batch, { ordered: false });
    if (clockBatch.length > 0)
      await db.collection(CLOCK_RECORDS_COLLECTION).insertMany(clockBatch, { ordered: false });
  }
  console.log(
    `copied to ${TOTAL.toLocaleString('en')} incidents in ${((performance.now() - copyStarted) / 1000).toFixed(1)} s`,
  );
  // The responders' queue rows live in Redis: file the copies there as the reconciler would.
  const indexStarted = performance.now();
  const { writer, clocks } = runtime.modules.workflow;
  for (let i = 0; i < copyIds.length; i += 50) {
    await Promise.all(
      copyIds.slice(i, i + 50).map(async (id) => clocks.settled(await writer.read(ALL_SCOPE, id))),
    );
  }
  console.log(`queue rows filed in ${((performance.now() - indexStarted) / 1000).toFixed(1)} s`);
  // The incident list's index too: one pass of its reconciler, which is what the workers run.
  const listStarted = performance.now();
  const listed = await runtime.modules.intake.listReconciler.pass();
  console.log(
    `list index: ${listed.toLocaleString('en')} incidents filed by one reconciler pass in ${((performance.now() - listStarted) / 1000).toFixed(1)} s`,
  );

  // 3. Time the pages as their people open them (API process only: no workers, no sweeps).
  const reporter = await signIn(runtime.url, reporterEmail);
  const responder = await signIn(runtime.url, responderEmail);
  const summaries = await runtime.modules.workflow.queues.summaries();
  const busiest = [...summaries].sort((a, b) => b.total - a.total).at(0);
  if (!busiest) throw new Error('no queue');
  const own = ids[0];
  const pages: Array<[string, string, string]> = [
    ['my incidents (reporter)', reporter, '/console/my-incidents'],
    ['my incidents, severity S4 filter (reporter)', reporter, '/console/my-incidents?severity=S4'],
    ['incident page (reporter)', reporter, `/console/my-incidents/${own}`],
    ['queues (responder)', responder, '/console/queues'],
    [
      `queue ${busiest.queue}, ${busiest.total} open (responder)`,
      responder,
      `/console/queues/${busiest.queue}`,
    ],
    [
      `queue ${busiest.queue}, bureau ${OTHER} unassigned, page 3 (responder)`,
      responder,
      `/console/queues/${busiest.queue}?bureau=${OTHER}&assignee=none&page=3`,
    ],
    ['incident page (responder)', responder, `/console/incidents/${own}/work`],
    ['my work (responder)', responder, '/console/work'],
  ];
  console.log(
    `\n${TOTAL.toLocaleString('en')} incidents, ${REQUESTS} requests per page, one at a time over loopback\n`,
  );
  console.log(
    'PAGE'.padEnd(52),
    'P50 ms'.padStart(8),
    'P95 ms'.padStart(8),
    'HTML KB'.padStart(8),
    'FAILED'.padStart(14),
  );
  const assets = new Set<string>();
  for (const [name, cookie, path] of pages) {
    const result = await timePage(runtime.url, cookie, path);
    for (const asset of result.assets) assets.add(asset);
    console.log(
      name.padEnd(52),
      result.p50.toFixed(0).padStart(8),
      result.p95.toFixed(0).padStart(8),
      (result.bytes / 1024).toFixed(1).padStart(8),
      (result.failures === 0 ? '0' : `${result.failures} (${String(result.lastFailure)})`).padStart(14),
    );
  }
  // The countdown script re-renders its cells in the browser; what it costs the server is nothing
  // unless it fetches: say which it does.
  const countdown = readFileSync('templates/web/assets/countdown.js', 'utf8');
  console.log(
    `\ncountdown refresh: ${/fetch\(/.test(countdown) ? 'fetches rows from the server' : 'rewrites the cells in the browser every 15 s; no request to the server'}`,
  );
  let assetBytes = 0;
  for (const asset of assets) {
    const answer = await fetch(`${runtime.url}${asset}`);
    const size = (await answer.arrayBuffer()).byteLength;
    assetBytes += size;
    console.log(`asset ${asset}: ${(size / 1024).toFixed(1)} KB`);
  }
  console.log(
    `assets in all: ${(assetBytes / 1024).toFixed(1)} KB (cached for an hour after the first page)`,
  );
  await runtime.stop();
} finally {
  await ferret.stop();
  await redisServer.stop();
  rmSync(dir, { recursive: true, force: true });
}
