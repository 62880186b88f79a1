import { expect } from 'chai';
import fc from 'fast-check';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { reportBody } from '../../factories/incident.factory.js';

type Who = 'A' | 'B';
type Action = { who: Who; op: 'create' | 'read' | 'list' | 'update'; pick: number; shared: boolean };

const action: fc.Arbitrary<Action> = fc.record({
  who: fc.constantFrom<Who>('A', 'B'),
  op: fc.constantFrom<Action['op']>('create', 'read', 'list', 'update'),
  pick: fc.nat(),
  shared: fc.boolean(),
});

describe('Bureau scoping, model-based: no answer to one bureau ever holds the other bureau’s data', () => {
  let runtime: TestRuntime;
  const actors = {} as Record<Who, TestActor>;
  // What each bureau owns so far: ids, refs and a secret marker written into its titles.
  const owned: Record<Who, { ids: string[]; refs: string[]; marker: string }> = {
    A: { ids: [], refs: [], marker: 'MARKER-A-7f3e' },
    B: { ids: [], refs: [], marker: 'MARKER-B-91c2' },
  };
  const sharedIndicator = { type: 'domain', value: 'shared-ioc.example.net' };

  before(async () => {
    runtime = await startTestRuntime('intakeprop');
    actors.A = await createActor(runtime, { role: 'reporter' });
    actors.B = await createActor(runtime, { role: 'reporter' });
  });
  after(async () => {
    await runtime.stop();
  });

  function assertNoLeak(who: Who, text: string): void {
    const other = owned[who === 'A' ? 'B' : 'A'];
    expect(text).not.to.include(other.marker);
    for (const id of other.ids) expect(text).not.to.include(id);
    for (const ref of other.refs) expect(text).not.to.include(ref);
    expect(text).not.to.include('"campaign"');
  }

  async function run(step: Action): Promise<void> {
    const { key } = actors[step.who];
    const all = [
      ...owned.A.ids.map((id) => ['A', id] as const),
      ...owned.B.ids.map((id) => ['B', id] as const),
    ];
    const target = all.length > 0 ? all[step.pick % all.length] : undefined;
    if (step.op === 'create') {
      const indicators = step.shared ? [sharedIndicator] : [];
      const body = reportBody({ title: `Report ${owned[step.who].marker}`, indicators });
      const answer = await call<{ id: string; ref: string }>(runtime.url, 'POST', '/api/v1/incidents', {
        key,
        body,
      });
      expect(answer.status).to.equal(201);
      assertNoLeak(step.who, answer.text);
      owned[step.who].ids.push(answer.body.id);
      owned[step.who].refs.push(answer.body.ref);
    } else if (step.op === 'list') {
      const answer = await call<{ items: Array<{ id: string }> }>(
        runtime.url,
        'GET',
        '/api/v1/incidents?limit=100',
        { key },
      );
      expect(answer.status).to.equal(200);
      assertNoLeak(step.who, answer.text);
      expect(answer.body.items.every((item) => owned[step.who].ids.includes(item.id))).to.equal(true);
    } else if (target) {
      const [owner, id] = target;
      const answer =
        step.op === 'read'
          ? await call(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key })
          : await call(runtime.url, 'POST', `/api/v1/incidents/${id}/updates`, {
              key,
              body: {
                note: `follow-up ${owned[step.who].marker}`,
                indicators: step.shared ? [sharedIndicator] : [],
              },
            });
      expect(answer.status).to.equal(owner === step.who ? (step.op === 'read' ? 200 : 201) : 404);
      assertNoLeak(step.who, answer.text);
    }
  }

  it('when both bureaux create, read, list and update at random, then A never sees B and B never sees A', async function () {
    this.timeout(180_000);
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 8 }), async (steps) => {
        for (const step of steps) await run(step);
      }),
      { numRuns: 15 },
    );
  });
});
