import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { ALL_SCOPE } from '../../../src/auth/index.js';
import { auditDraft } from '../../../src/audit/index.js';
import { IncidentRepository } from '../../../src/incidents/incident.repository.js';
import { createIncidentSchema } from '../../../src/incidents/index.js';
import { connectMongo, mongoose, type Connection, type mongo } from '../../../src/platform/db/index.js';
import { createLogger, systemActor } from '../../../src/platform/index.js';
import { startRuntime } from '../../../src/runtime.js';
import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { LogCapture, testConfig, type TestRuntime } from '../../helpers/runtime.js';
import { isolatedUrls } from '../../helpers/services.js';

describe("Triage's first read: the incident as this process inserted it", function () {
  this.timeout(60_000);

  describe('the repository', () => {
    let db: Connection;
    let repository: IncidentRepository;

    before(async () => {
      db = await connectMongo(isolatedUrls('first-read').mongodbUri, createLogger('silent'));
      repository = new IncidentRepository(db);
      await repository.init();
    });
    after(async () => {
      await db.close();
    });

    it('when an incident was just inserted, then it is given once, equal to what the store returns', async () => {
      const id = new mongoose.Types.ObjectId().toHexString();
      const { indicators, tlp, pap, ...facts } = createIncidentSchema.parse(reportBody());
      const now = new Date();
      await repository.insertNew(id, { bureauId: 'DH', year: 2026 }, (seq) => ({
        ref: `T-DH-2026-${seq}`,
        seq,
        bureauId: 'DH',
        status: 'reported',
        severity: null,
        tlp,
        pap,
        // A value left undefined is stored as the store stores it, not as this process held it.
        facts: { ...facts, remark: undefined },
        indicators,
        updateCount: 0,
        triage: null,
        triageRound: 0,
        triagePending: true,
        revision: 0,
        reportedAt: now,
        createdAt: now,
        updatedAt: now,
        pendingAudit: [
          auditDraft(systemActor('test'), 'incident.reported', { type: 'incident', id }, { bureauId: 'DH' }),
        ],
      }));
      const given = repository.takeInserted(id);
      expect(given).to.deep.equal(await repository.findById(ALL_SCOPE, id));
      expect(repository.takeInserted(id)).to.equal(undefined);
    });

    it('when the incident changed after its insert, then a decision written on the copy given finds nothing', async () => {
      const id = new mongoose.Types.ObjectId().toHexString();
      const build = (seq: number) => ({ seq, bureauId: 'DH', revision: 0, triagePending: true });
      await repository.insertNew(id, { bureauId: 'DH', year: 2026 }, build);
      // A follow-up lands first (any write a responder or the bureau makes moves the revision).
      const changed = await repository.applyChange(ALL_SCOPE, id, 0, {
        set: { title: 'Updated' },
        audit: [],
      });
      expect(changed?.revision).to.equal(1);
      const given = repository.takeInserted(id);
      expect(given?.revision).to.equal(0);
      // Triage's write on the copy it was given is refused; its next attempt reads the store.
      const set = { triagePending: false };
      expect(await repository.applyChange(ALL_SCOPE, id, 0, { set, audit: [] })).to.equal(null);
      expect((await repository.findById(ALL_SCOPE, id))?.revision).to.equal(1);
    });

    it('when the incident was inserted by another process, then there is nothing to give', async () => {
      const other = new IncidentRepository(db);
      const id = new mongoose.Types.ObjectId().toHexString();
      await other.insertNew(id, { bureauId: 'DH', year: 2026 }, (seq) => ({ seq, bureauId: 'DH' }));
      expect(repository.takeInserted(id)).to.equal(undefined);
    });
  });

  describe('a report filed and triaged in one process', () => {
    let runtime: TestRuntime;
    let reporter: TestActor;
    let responder: TestActor;
    /** The commands that read the incidents collection, as JSON (their filters name the ids). */
    const incidentReads: string[] = [];

    before(async () => {
      const { config, urls } = testConfig('first-read');
      const logs = new LogCapture();
      const onCommand = (event: mongo.CommandStartedEvent): void => {
        const command = event.command as { find?: unknown; filter?: unknown };
        if (command.find === 'incidents') incidentReads.push(JSON.stringify(command.filter ?? {}));
      };
      const base = await startRuntime(config, createLogger(config.LOG_LEVEL, logs), {
        ...urls,
        db: { onCommand },
      });
      if (!base.url) throw new Error('API not started');
      runtime = Object.assign(base, { url: base.url, logs });
      reporter = await createActor(runtime, { role: 'reporter' });
      responder = await createActor(runtime, { role: 'responder' });
    });
    after(async () => {
      await runtime.stop();
    });

    it('when triage decides a report this process just filed, then it does not read the incident back', async () => {
      incidentReads.length = 0;
      const created = await call<{ id: string }>(runtime.url, 'POST', '/api/v1/incidents', {
        key: reporter.key,
        body: reportBody({ indicators: [uniqueIndicator()] }),
      });
      expect(created.status, created.text).to.equal(201);
      const id = created.body.id;
      // Waits on the decision's record, in a collection of its own: only the system reads the incident.
      const decisions = runtime.platform.db.collection('triage_decisions');
      const deadline = Date.now() + 20_000;
      while (!(await decisions.findOne({ incidentId: id })) && Date.now() < deadline) await sleep(50);
      const readsOfIt = incidentReads.filter((filter) => filter.includes(id));
      expect(readsOfIt, 'reads of the incident before its decision').to.deep.equal([]);

      // And the decision is the one the store's copy gives: triaged, with its clocks.
      let view = await call<{ status: string; severity: string | null }>(
        runtime.url,
        'GET',
        `/api/v1/incidents/${id}`,
        { key: responder.key },
      );
      while (view.body.status !== 'triaged' && Date.now() < deadline) {
        await sleep(50);
        view = await call(runtime.url, 'GET', `/api/v1/incidents/${id}`, { key: responder.key });
      }
      expect(view.body.status).to.equal('triaged');
      expect(view.body.severity).to.equal('S2');
    });
  });
});
