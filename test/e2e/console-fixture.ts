import { systemActor, type Role } from '../../src/auth/index.js';
import type { Page } from 'playwright-core';
import { call } from '../helpers/http.js';
import { uniqueName } from '../helpers/services.js';
import type { TestRuntime } from '../helpers/runtime.js';

const setup = systemActor('test-setup');

/** A person who can sign in to the console with `password`. */
export interface ConsolePerson {
  id: string;
  email: string;
  name: string;
  password: string;
  bureauId: string | null;
}

/** Creates a bureau (HK-GOV) unless it exists. */
export async function ensureBureau(runtime: TestRuntime, code: string): Promise<void> {
  const { bureaux } = runtime.modules.auth;
  if (await bureaux.getBureau(code)) return;
  await bureaux.create(setup, { code, name: `Test bureau ${code}`, regimes: ['HK-GOV'], contacts: [] });
}

/** A user of `role` with a console password, created through the services (audited). */
export async function createPerson(
  runtime: TestRuntime,
  role: Role,
  bureauId: string | null = null,
): Promise<ConsolePerson> {
  if (bureauId) await ensureBureau(runtime, bureauId);
  const name = uniqueName(role);
  const email = `${name}@test.govcert.example`;
  const user = await runtime.modules.auth.users.create(setup, { name, email, role, bureauId });
  const password = `pw-${uniqueName('secret')}`;
  const person = { id: user.id, name, email, role, bureauId, active: true };
  await runtime.modules.accounts.accounts.setPassword(setup, person, password);
  return { id: user.id, email, name, password, bureauId };
}

/** Fills and sends the sign-in form. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** A fresh bureau code for one test. */
export function bureauCode(): string {
  return `E${uniqueName('B').slice(2).toUpperCase()}`.slice(0, 10);
}

/** An audit event as the API lists it (the fields these tests read). */
export interface SeenEvent {
  action: string;
  subject: { id: string };
  actor: { userId: string; role: string };
  data: Record<string, unknown>;
}

/**
 * The audit events of `action` about `subjectId`, read through the API by an auditor once the relay
 * chained them (polled for up to 15 s, until at least `atLeast` are there).
 */
export async function auditEventsAbout(
  runtime: TestRuntime,
  auditorKey: string,
  action: string,
  subjectId: string,
  atLeast = 1,
): Promise<SeenEvent[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await call<{ events: SeenEvent[] }>(
      runtime.url,
      'GET',
      `/api/v1/audit/events?action=${action}&limit=500`,
      {
        key: auditorKey,
      },
    );
    const found = answer.body.events.filter((event) => event.subject.id === subjectId);
    if (found.length >= atLeast || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
