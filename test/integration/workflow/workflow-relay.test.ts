import { expect } from 'chai';
import { createAuditModule, type AuditModule } from '../../../src/audit/index.js';
import { reportBody } from '../../factories/incident.factory.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

/**
 * A responder's write is handed to the relay as it is stored (issue 16, item 8): here the API process
 * serves requests only, so its relay does not sweep and the note's audit event reaches the chain only
 * through the write's kick.
 */
describe('workflow writes reach the relay without a sweep', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let trail: AuditModule;
  let reporter: TestActor;
  let responder: TestActor;

  before(async () => {
    runtime = await startTestRuntime('wfrelay', { RUN_WORKERS: 'false' });
    // Read the trail only: this module's relay is never started.
    trail = createAuditModule(runtime.platform, { sweeps: false });
    reporter = await createActor(runtime, { role: 'reporter' });
    responder = await createActor(runtime, { role: 'responder' });
  });
  after(async () => {
    await runtime.stop();
  });

  it('when a responder adds a note, then its audit event is chained without a sweep', async () => {
    const created = await call<{ id: string }>(runtime.url, 'POST', '/api/v1/incidents', {
      key: reporter.key,
      body: reportBody(),
    });
    expect(created.status, created.text).to.equal(201);
    const read = await call(runtime.url, 'GET', `/api/v1/incidents/${created.body.id}`, {
      key: responder.key,
    });
    const note = await call(runtime.url, 'POST', `/api/v1/incidents/${created.body.id}/notes`, {
      key: responder.key,
      body: { text: 'looked at the firewall logs' },
      headers: { 'if-match': read.headers.get('etag') ?? '' },
    });
    expect(note.status, note.text).to.equal(201);
    let actions: string[] = [];
    for (let i = 0; i < 200 && !actions.includes('incident.note_added'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      actions = (await trail.audit.forSubject('incident', created.body.id)).map((event) => event.action);
    }
    expect(actions).to.include.members(['incident.reported', 'incident.note_added']);
  });
});
