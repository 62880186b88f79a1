import { systemActor } from '../../../src/auth/index.js';
import type { MailDelivery, NotificationRecipient } from '../../../src/notifications/index.js';
import type { TestRuntime } from '../../helpers/runtime.js';
import { uniqueName } from '../../helpers/services.js';
import { waitFor } from '../../helpers/wait.js';

export const tester = systemActor('notification-test');

/** A named recipient with a unique address on the test domain. */
export function recipient(
  name = 'Duty Officer',
  over: Partial<NotificationRecipient> = {},
): NotificationRecipient {
  return {
    address: `${uniqueName('r').replace('_', '.')}@partner.example`,
    name,
    organisation: 'HKCERT',
    circle: 'partner',
    kind: 'individual',
    via: 'named',
    ...over,
  };
}

/** Escalation-alert data that needs no stored incident. */
export function alertData(title = 'Ransomware at the file server'): Record<string, unknown> {
  return {
    tlp: 'AMBER',
    incident: {
      ref: 'GIRO-2026-000042',
      title,
      summary: 'Files encrypted on the departmental file server.',
      bureauName: 'Department of Health',
      severity: 'S2',
      status: 'investigating',
      category: 'ransomware',
    },
    tier: 2,
    reason: 'Containment not confirmed within 30 minutes',
  };
}

/** Polls the ledger row until `done` holds for it. */
export async function waitForDelivery(
  runtime: TestRuntime,
  key: string,
  done: (row: MailDelivery) => boolean,
  timeoutMs = 30_000,
): Promise<MailDelivery> {
  const row = await waitFor(
    () => runtime.modules.notifications.deliveries.find(key),
    (now) => now !== null && done(now),
    timeoutMs,
  );
  if (!row || !done(row)) throw new Error(`delivery ${key} still ${row?.status ?? 'missing'}`);
  return row;
}
