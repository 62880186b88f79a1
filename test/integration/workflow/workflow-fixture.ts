import { reportBody, uniqueIndicator } from '../../factories/incident.factory.js';
import type { TestActor } from '../../helpers/actors.js';
import { call, type Answer } from '../../helpers/http.js';
import { waitFor } from '../../helpers/wait.js';

/** The workflow view as the API returns it (JSON). */
export interface WorkflowJson {
  id: string;
  ref: string;
  status: string;
  severity: string | null;
  revision: number;
  queue: string | null;
  allowedNext: string[];
  assignee: { userId: string; name: string } | null;
  nextDueAt: string | null;
  clocks: Array<{
    key: string;
    state?: string;
    dueAt?: string;
    metAt?: string | null;
    startsAt?: string;
    obligation?: string;
    filedAt?: string;
    notApplicable?: { reason: string; at: string };
    occurrence?: number;
    escalations?: Array<{ step: number; tier: string; missed?: number }>;
  }>;
  obligations: Array<{ obligation: string; at: string }>;
  notes: Array<{ text: string }>;
  tasks: Array<{ taskId: string; title: string; done: boolean }>;
  links: Array<{ id: string }>;
  merged: Array<{ id: string; ref: string }>;
  mergedInto: { id: string } | null;
  finding: string | null;
}

export const POST_INCIDENT = {
  rootCause: 'Unpatched VPN appliance',
  lessonsLearnt: 'Patch within 48 h',
  cost: 120000,
  affectedPeople: 40,
};

/** Files a report (unique indicators, so no campaign links across tests) and waits for its triage. */
export async function reportAndTriage(
  base: string,
  reporter: TestActor,
  reader: TestActor,
  overrides: Record<string, unknown> = {},
  settle = true,
): Promise<WorkflowJson> {
  const created = await call<{ id: string }>(base, 'POST', '/api/v1/incidents', {
    key: reporter.key,
    body: reportBody({ indicators: [uniqueIndicator()], ...overrides }),
  });
  if (created.status !== 201) throw new Error(`report refused: ${created.text}`);
  const triaged = await waitFor(
    () => workflowOf(base, reader, created.body.id),
    (answer) => answer.body.status === 'triaged' && answer.body.clocks.every((c) => c.state !== undefined),
  );
  if (triaged.body.status !== 'triaged') throw new Error(`not triaged: ${triaged.text}`);
  if (!settle) return triaged.body;
  // The notifications triage asked for, sent or failed (their status is their own and never moves the
  // incident's version): a test that looks at the mail, or at the trail, finds them done.
  await waitFor(
    () =>
      call<{ notifications?: Array<{ status: string }> }>(
        base,
        'GET',
        `/api/v1/incidents/${created.body.id}`,
        {
          key: reader.key,
        },
      ),
    (answer) => (answer.body.notifications ?? []).every((n) => n.status === 'sent' || n.status === 'failed'),
  );
  return (await workflowOf(base, reader, created.body.id)).body;
}

export function workflowOf(base: string, actor: TestActor, id: string): Promise<Answer<WorkflowJson>> {
  return call<WorkflowJson>(base, 'GET', `/api/v1/incidents/${id}/workflow`, { key: actor.key });
}

/** Sends a change with the version as If-Match. */
export function change(
  base: string,
  actor: TestActor,
  path: string,
  revision: number,
  body?: unknown,
  method = 'POST',
): Promise<Answer<WorkflowJson>> {
  return call<WorkflowJson>(base, method, path, {
    key: actor.key,
    body,
    headers: { 'if-match': `W/"${revision}"` },
  });
}

/** The reason the fixture gives for each regulatory clock still running when it closes an incident. */
export const NOT_APPLICABLE_IN_TESTS = 'Closed in a test: the report is not owed';

/**
 * Moves an incident to `to` (the right body for each state) from its current version: system writes
 * (triage, notification outcomes) move the version too, so a 412 is retried with a fresh read. A
 * close refused for regulatory clocks still running (422, `notApplicable.<key>`) is sent again with
 * each of them marked not applicable, as a responder would.
 */
export async function moveTo(
  base: string,
  actor: TestActor,
  incident: WorkflowJson,
  to: string,
  survivorId?: string,
): Promise<Answer<WorkflowJson>> {
  const path = `/api/v1/incidents/${incident.id}/transitions`;
  const body: Record<string, unknown> = { to };
  if (to === 'rejected') body.finding = 'Scheduled maintenance, not an attack';
  if (to === 'closed') body.postIncident = POST_INCIDENT;
  if (to === 'duplicate') body.mergeInto = survivorId;
  for (let attempt = 0; ; attempt++) {
    const current = await workflowOf(base, actor, incident.id);
    const answer = await change(base, actor, path, current.body.revision, body);
    const running = to === 'closed' && answer.status === 422 ? runningClockKeys(answer) : [];
    if (running.length > 0 && body.notApplicable === undefined && attempt < 5) {
      body.notApplicable = Object.fromEntries(running.map((key) => [key, NOT_APPLICABLE_IN_TESTS]));
      continue;
    }
    if (answer.status !== 412 || attempt >= 5) return answer;
  }
}

/** The clock keys a refused close names as still running (`notApplicable.<key>`). */
export function runningClockKeys(answer: Answer<unknown>): string[] {
  const details = (answer.body as { error?: { details?: unknown } }).error?.details;
  if (!Array.isArray(details)) return [];
  return (details as Array<{ path: string }>)
    .map((problem) => /^notApplicable\.(.+)$/.exec(problem.path)?.[1])
    .filter((key): key is string => key !== undefined);
}

/** The shortest walk from `triaged` to each state along the lifecycle. */
export const PATH_TO: Record<string, string[]> = {
  triaged: [],
  acknowledged: ['acknowledged'],
  investigating: ['acknowledged', 'investigating'],
  contained: ['acknowledged', 'investigating', 'contained'],
  eradicated: ['acknowledged', 'investigating', 'contained', 'eradicated'],
  recovered: ['acknowledged', 'investigating', 'contained', 'eradicated', 'recovered'],
  closed: ['acknowledged', 'investigating', 'contained', 'eradicated', 'recovered', 'closed'],
  rejected: ['rejected'],
};

/** Walks a triaged incident to `state`; throws on any refusal. */
export async function walkTo(
  base: string,
  actor: TestActor,
  incident: WorkflowJson,
  state: string,
): Promise<WorkflowJson> {
  let current = incident;
  for (const step of PATH_TO[state] ?? []) {
    const answer = await moveTo(base, actor, current, step);
    if (answer.status !== 200) throw new Error(`walk to ${step} refused: ${answer.status} ${answer.text}`);
    current = answer.body;
  }
  return current;
}
