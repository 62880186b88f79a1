import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_SCOPE } from '../../../src/auth/index.js';
import type { mongo } from '../../../src/platform/db/index.js';
import { createLogger } from '../../../src/platform/index.js';
import { startRuntime } from '../../../src/runtime.js';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { incidentNotificationStatuses } from '../../helpers/incident-notifications.js';
import { LogCapture, testConfig, type TestRuntime } from '../../helpers/runtime.js';

type View = { id: string; ref: string };

/** One incident read as the store saw it: the filter's fields and how many documents came back. */
interface Read {
  filter: string[];
  returned: number;
}

describe('What a reporter can infer about other bureaux from ids, references and 404s', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let a: TestActor;
  let b: TestActor;
  const started = new Map<number, string[]>();
  let reads: Read[] = [];

  before(async () => {
    const { config, urls } = testConfig('existence');
    const logs = new LogCapture();
    const onCommand = (event: mongo.CommandStartedEvent) => {
      const command = event.command as { find?: unknown; filter?: Record<string, unknown> };
      if (command.find === 'incidents')
        started.set(event.requestId, Object.keys(command.filter ?? {}).sort());
    };
    const base = await startRuntime(config, createLogger(config.LOG_LEVEL, logs), {
      ...urls,
      db: { onCommand },
    });
    base.platform.db.getClient().on('commandSucceeded', (event: mongo.CommandSucceededEvent) => {
      const filter = started.get(event.requestId);
      if (!filter?.includes('_id')) return; // point lookups only, not the reconcilers' sweeps
      started.delete(event.requestId);
      const reply = event.reply as { cursor?: { firstBatch?: unknown[] } };
      reads.push({ filter, returned: reply.cursor?.firstBatch?.length ?? 0 });
    });
    if (!base.url) throw new Error('API not started');
    runtime = Object.assign(base, { url: base.url, logs });
    a = await createActor(runtime, { role: 'reporter' });
    b = await createActor(runtime, { role: 'reporter' });
  });
  after(async () => {
    await runtime.stop();
  });

  const file = async (actor: TestActor): Promise<View> => {
    const created = await call<View>(runtime.url, 'POST', '/api/v1/incidents', {
      key: actor.key,
      body: reportBody({ indicators: [uniqueIndicator()] }),
    });
    expect(created.status, created.text).to.equal(201);
    return created.body;
  };

  /** The incident reads one GET makes, and its status. */
  const readsOf = async (actor: TestActor, id: string) => {
    reads = [];
    const answer = await call(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: actor.key });
    return { status: answer.status, reads: [...reads] };
  };

  it('when a reporter asks for a foreign incident and a missing one, then both are the same scoped read returning nothing', async () => {
    const foreign = await file(b);
    // Let triage and notifications finish with it, so only the request reads it by id.
    for (let i = 0; i < 200; i++) {
      const stored = await runtime.modules.intake.repository.findById(ALL_SCOPE, foreign.id);
      const notifications = await incidentNotificationStatuses(runtime, foreign.id);
      if (stored?.triage && notifications.every((n) => n.status !== 'pending')) break;
      await sleep(50);
    }
    await sleep(500);
    const missing = `${foreign.id.slice(0, 8)}${'0'.repeat(16)}`;
    const [seenForeign, seenMissing] = [await readsOf(a, foreign.id), await readsOf(a, missing)];
    expect(seenForeign.status).to.equal(404);
    expect(seenMissing.status).to.equal(404);
    expect(seenForeign.reads).to.deep.equal(seenMissing.reads);
    expect(seenForeign.reads).to.have.length.greaterThan(0);
    for (const read of seenForeign.reads) {
      expect(read.filter).to.include('bureauId');
      expect(read.returned).to.equal(0);
    }
  });

  it('when two bureaux report in turns, then each bureau has its own reference sequence', async () => {
    const refs = { a: [] as string[], b: [] as string[] };
    for (let i = 0; i < 3; i++) {
      refs.a.push((await file(a)).ref);
      refs.b.push((await file(b)).ref);
    }
    const year = /-(\d{4})-\d{6}$/.exec(refs.a[0] ?? '')?.[1] ?? '';
    const expected = (bureau: string | null | undefined) =>
      [1, 2, 3].map((n) => `GIRO-${bureau ?? ''}-${year}-${String(n).padStart(6, '0')}`);
    // The first test filed one for B before.
    expect(refs.a).to.deep.equal(expected(a.actor.bureauId));
    expect(refs.b).to.deep.equal(
      [2, 3, 4].map((n) => `GIRO-${b.actor.bureauId ?? ''}-${year}-${String(n).padStart(6, '0')}`),
    );
  });

  it('when one process files reports one after another, then their ids share nothing but the time', async () => {
    const ids = [(await file(a)).id, (await file(a)).id, (await file(a)).id];
    const tails = ids.map((id) => id.slice(8));
    expect(new Set(tails.map((t) => t.slice(0, 10))).size).to.equal(3); // no shared process value
    const counters = tails.map((t) => parseInt(t.slice(10), 16));
    expect(counters[1] === (counters[0] ?? 0) + 1 && counters[2] === (counters[1] ?? 0) + 1).to.equal(false);
  });
});
