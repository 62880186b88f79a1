import type { Page } from 'playwright-core';
import type { Actor } from '../../src/auth/index.js';
import { createIncidentSchema } from '../../src/incidents/index.js';
import { reportBody } from '../factories/incident.factory.js';
import type { TestRuntime } from '../helpers/runtime.js';
import type { ConsolePerson } from './console-fixture.js';

/** A datetime-local value `minutesAgo` before now, in Hong Kong time (as a person there types it). */
export function hkLocal(minutesAgo: number): string {
  return new Date(Date.now() + 8 * 3_600_000 - minutesAgo * 60_000).toISOString().slice(0, 16);
}

/** Switches the page's language with the header's switcher. */
export async function switchLanguage(
  page: Page,
  from: 'Language' | '語言',
  to: 'en' | 'zh-HK',
): Promise<void> {
  await page.getByLabel(from, { exact: true }).selectOption(to);
  await page.getByRole('button', { name: from === 'Language' ? 'Change language' : '轉換語言' }).click();
  await page.waitForLoadState();
}

/** The actor a console person acts as (a session: no key). */
export function actorOf(person: ConsolePerson, role: Actor['role'] = 'reporter'): Actor {
  return { userId: person.id, keyId: null, role, bureauId: person.bureauId, name: person.name };
}

/** Files a report for `person`'s bureau through the intake service, as the API would. */
export async function fileIncident(
  runtime: TestRuntime,
  person: ConsolePerson,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; ref: string }> {
  const input = createIncidentSchema.parse(reportBody(overrides));
  const incident = await runtime.modules.intake.intake.create(actorOf(person), input);
  return { id: incident.id, ref: incident.ref };
}
