import { expect } from 'chai';
import { contactsStanding, systemActor, type Actor } from '../../../src/auth/index.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../src/platform/errors.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';

interface AuditedEvent {
  eventId: string;
  action: string;
  actor: { userId: string };
  changes?: Array<{ field: string; before: unknown; after: unknown }>;
}

const freshCode = (): string => `C${uniqueName('X').slice(2, 9).toUpperCase()}`;
const DAY = 86_400_000;

const roundTheClock = (n: number) => ({
  name: `Duty officer ${n}`,
  email: `duty${n}@bureau.gov.hk.example`,
  role: 'Round-the-clock contact',
  phone: `+852 2100 000${n}`,
  roundTheClock: true,
});

describe("Bureau contacts: kept by the bureau's reporters, confirmed every 180 days", function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let admin: TestActor;

  /**
   * Events about the bureau: still in its outbox, or already chained by the relay (the relay appends
   * before it pulls, so an event may be in both for a moment: one per event id).
   */
  async function audited(code: string): Promise<AuditedEvent[]> {
    const doc = await runtime.platform.db
      .collection<{ pendingAudit?: AuditedEvent[] }>('bureaux')
      .findOne({ _id: code as never });
    const chained = await call<{ events: AuditedEvent[] }>(
      runtime.url,
      'GET',
      `/api/v1/audit/events?subjectId=${encodeURIComponent(code)}`,
      { key: admin.key },
    );
    const byId = new Map<string, AuditedEvent>();
    for (const event of [...chained.body.events, ...(doc?.pendingAudit ?? [])])
      byId.set(event.eventId, event);
    return [...byId.values()];
  }

  async function refusal(work: () => Promise<unknown>): Promise<unknown> {
    try {
      await work();
    } catch (err) {
      return err;
    }
    return null;
  }

  const bureaux = () => runtime.modules.auth.bureaux;

  async function bureauWithReporter(): Promise<{ code: string; reporter: Actor }> {
    const code = freshCode();
    await bureaux().create(systemActor('test-setup'), {
      code,
      name: `Bureau ${code}`,
      regimes: ['HK-GOV'],
      contacts: [{ name: 'ITSO', email: 'itso@bureau.gov.hk.example', role: 'ITSO' }],
    });
    const reporter = (await createActor(runtime, { role: 'reporter', bureauId: code })).actor;
    return { code, reporter };
  }

  before(async () => {
    runtime = await startTestRuntime('contacts');
    admin = await createActor(runtime, { role: 'admin' });
  });
  after(async () => {
    await runtime.stop();
  });

  it("when a reporter saves their bureau's contacts, then they are replaced, recorded as confirmed by them, and audited with before and after in the same write", async () => {
    const { code, reporter } = await bureauWithReporter();
    const before = await bureaux().organisation(reporter, code);
    expect(before.contactsConfirmedAt).to.equal(null);
    expect(contactsStanding(before).meetsRoundTheClock).to.equal(false);
    expect(contactsStanding(before).confirmationDue).to.equal(true);

    const contacts = [...before.contacts, roundTheClock(1), roundTheClock(2)];
    const saved = await bureaux().updateContacts(reporter, code, { contacts });
    expect(saved.contacts).to.have.length(3);
    expect(saved.contactsConfirmedBy?.userId).to.equal(reporter.userId);
    const standing = contactsStanding(saved);
    expect(standing.meetsRoundTheClock).to.equal(true);
    expect(standing.confirmationDue).to.equal(false);
    // Read back from the store, not the service's cache.
    const stored = await bureaux().requireBureau(code);
    expect(stored.contacts[1]).to.deep.equal(roundTheClock(1));
    expect(stored.contactsConfirmedAt?.getTime()).to.equal(saved.contactsConfirmedAt?.getTime());

    const events = (await audited(code)).filter((e) => e.action === 'bureau.contacts.updated');
    expect(events).to.have.length(1);
    const fields = events[0]?.changes?.map((c) => c.field);
    expect(fields).to.deep.equal(['contacts', 'contactsConfirmedAt', 'contactsConfirmedBy']);
    expect(events[0]?.actor.userId).to.equal(reporter.userId);

    // Saving them as they are writes nothing.
    await bureaux().updateContacts(reporter, code, { contacts });
    expect((await audited(code)).filter((e) => e.action === 'bureau.contacts.updated')).to.have.length(1);
  });

  it('when a reporter confirms the contacts, then the confirmation is recorded and audited, and 180 days later it is due again', async () => {
    const { code, reporter } = await bureauWithReporter();
    const confirmed = await bureaux().confirmContacts(reporter, code);
    expect(confirmed.contactsConfirmedBy).to.deep.include({ userId: reporter.userId, role: 'reporter' });
    const at = confirmed.contactsConfirmedAt ?? new Date(0);
    expect(contactsStanding(confirmed, new Date(at.getTime() + 179 * DAY)).confirmationDue).to.equal(false);
    expect(contactsStanding(confirmed, new Date(at.getTime() + 180 * DAY)).confirmationDue).to.equal(true);
    const events = (await audited(code)).filter((e) => e.action === 'bureau.contacts.confirmed');
    expect(events).to.have.length(1);
    expect(events[0]?.changes?.[0]).to.deep.include({ field: 'contactsConfirmedAt', before: null });
  });

  it("when a reporter reaches for another bureau's contacts, then it is a 404 and nothing changes; a responder is refused; an administrator may change any bureau", async () => {
    const ours = await bureauWithReporter();
    const theirs = await bureauWithReporter();
    for (const work of [
      () => bureaux().organisation(ours.reporter, theirs.code),
      () => bureaux().updateContacts(ours.reporter, theirs.code, { contacts: [] }),
      () => bureaux().confirmContacts(ours.reporter, theirs.code),
    ]) {
      expect(await refusal(work)).to.be.instanceOf(NotFoundError);
    }
    const responder = (await createActor(runtime, { role: 'responder' })).actor;
    expect(await refusal(() => bureaux().confirmContacts(responder, theirs.code))).to.be.instanceOf(
      ForbiddenError,
    );
    const untouched = await bureaux().requireBureau(theirs.code);
    expect(untouched.contacts).to.have.length(1);
    expect(untouched.contactsConfirmedAt).to.equal(null);
    expect((await audited(theirs.code)).map((e) => e.action)).to.deep.equal(['bureau.created']);

    const edited = await bureaux().updateContacts(admin.actor, theirs.code, {
      contacts: [roundTheClock(1), roundTheClock(2)],
    });
    expect(contactsStanding(edited).meetsRoundTheClock).to.equal(true);
    expect(edited.contactsConfirmedBy?.userId).to.equal(admin.userId);
  });

  it('when a round-the-clock contact has no phone or an email is wrong, then it is a 422 naming each field and nothing is saved', async () => {
    const { code, reporter } = await bureauWithReporter();
    const err = await refusal(() =>
      bureaux().updateContacts(reporter, code, {
        contacts: [
          { name: 'Night duty', email: 'night@bureau.gov.hk.example', role: 'Duty', roundTheClock: true },
          { name: 'Typo', email: 'not-an-email', role: 'Duty' },
        ],
      }),
    );
    expect(err).to.be.instanceOf(ValidationError);
    const paths = (err as ValidationError).problems.map((p) => p.path);
    expect(paths).to.include('body.contacts.0.phone');
    expect(paths).to.include('body.contacts.1.email');
    expect((await bureaux().requireBureau(code)).contacts).to.have.length(1);
  });
});
