import { expect } from 'chai';
import { systemActor } from '../../src/auth/index.js';
import type { TestActor } from './actors.js';
import { call } from './http.js';
import type { TestRuntime } from './runtime.js';
import { uniqueName } from './services.js';

type Body = Record<string, unknown>;

/** A bureau with one contact, so `bureau:<code>` resolves to someone when an advisory is sent to it. */
export async function bureauWithContact(runtime: TestRuntime, code: string): Promise<string> {
  const contact = `${uniqueName('itso').replace('_', '.')}@${code.toLowerCase()}.gov.hk.example`;
  await runtime.modules.auth.bureaux.create(systemActor('test-setup'), {
    code,
    name: `Bureau ${code}`,
    regimes: ['HK-GOV'],
    contacts: [{ name: 'IT Security Officer', email: contact, role: 'ITSO' }],
  });
  return contact;
}

/** An advisory's content for a draft, with indicators; `over` replaces fields. */
export const advisoryContent = (over: Body = {}): Body => ({
  title: `Phishing wave ${uniqueName('w')}`,
  tlp: 'AMBER',
  pap: 'GREEN',
  summary: 'Mails posing as the Treasury ask staff to confirm their payroll password.',
  affectedSystems: ['Departmental mail gateways'],
  recommendations: ['Block the sender domain.', 'Search mail logs for the indicators.'],
  references: [{ title: 'GovCERT note', url: 'https://www.govcert.example/notes/1' }],
  indicators: [
    { type: 'domain', value: 'payroll-check.example', description: 'phishing site' },
    { type: 'ipv4', value: '198.51.100.77', description: 'sender' },
  ],
  ...over,
});

/**
 * Drafts (responder), approves (lead, four eyes) and sends an advisory to `lists` through the API, as
 * the CERT does; answers its id.
 */
export async function sendAdvisory(
  runtime: TestRuntime,
  cert: { responder: TestActor; lead: TestActor },
  lists: string[],
  content: Body = advisoryContent(),
): Promise<string> {
  const api = (who: TestActor, path: string, body: unknown) =>
    call<Body>(runtime.url, 'POST', path, { key: who.key, body });
  const drafted = await api(cert.responder, '/api/v1/advisories', content);
  expect(drafted.status, drafted.text).to.equal(201);
  const id = drafted.body.id as string;
  const approved = await api(cert.lead, `/api/v1/advisories/${id}/approve`, { revision: 1 });
  expect(approved.status, approved.text).to.equal(200);
  const sent = await api(cert.responder, `/api/v1/advisories/${id}/send`, { lists, revision: 1 });
  expect(sent.status, sent.text).to.equal(202);
  return id;
}

/** Adds revision `n + 1` with `changes`, approves it and sends it to `lists`. */
export async function reviseAndSend(
  runtime: TestRuntime,
  cert: { responder: TestActor; lead: TestActor },
  id: string,
  baseRevision: number,
  changes: Body,
  lists: string[],
): Promise<void> {
  const api = (who: TestActor, path: string, body: unknown) =>
    call<Body>(runtime.url, 'POST', path, { key: who.key, body });
  const revised = await api(cert.responder, `/api/v1/advisories/${id}/revisions`, {
    baseRevision,
    note: 'Updated',
    changes,
  });
  expect(revised.status, revised.text).to.equal(201);
  const revision = baseRevision + 1;
  const approved = await api(cert.lead, `/api/v1/advisories/${id}/approve`, { revision });
  expect(approved.status, approved.text).to.equal(200);
  const sent = await api(cert.responder, `/api/v1/advisories/${id}/send`, { lists, revision });
  expect(sent.status, sent.text).to.equal(202);
}
