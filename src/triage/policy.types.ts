import type { CalendarSet } from '../clocks/calendar/index.js';
import type { Category } from './triage-input.js';
import type { PackFile } from './policy-pack.schema.js';

/** One validated pack: its manifest plus the sections merged from its files. */
export interface PolicyPack {
  readonly id: string;
  readonly name: string;
  readonly regime: string;
  readonly isDefault: boolean;
  readonly enabled: boolean;
  /** IANA zone the pack's days and months are counted in. */
  readonly timeZone: string;
  /** Business-day calendar id, when the pack counts business days. */
  readonly calendar?: string;
  /** Files the pack was read from, relative to the policies directory, in load order. */
  readonly files: readonly string[];
  readonly categories?: NonNullable<PackFile['categories']>;
  readonly reportability: NonNullable<PackFile['reportability']>;
  readonly severity: NonNullable<PackFile['severity']>;
  readonly routing?: NonNullable<PackFile['routing']>;
  readonly clocks: NonNullable<PackFile['clocks']>;
  readonly notifications: NonNullable<PackFile['notifications']>;
  readonly escalation: NonNullable<PackFile['escalation']>;
  /** How facts reported as unknown are read; the default pack's only. */
  readonly unknown?: NonNullable<PackFile['unknown']>;
}

/** A loaded, immutable policy: every pack found, the default one first, then by id. */
export interface Policy {
  /** `sha256:<hex>` over the canonical JSON of every pack file's content. */
  readonly version: string;
  /** Directory it was loaded from (informational; evaluation never touches the disk). */
  readonly source: string;
  readonly packs: readonly PolicyPack[];
  /** Business-day calendars by id (`calendars/*.yaml`), part of the version like the packs. */
  readonly calendars: CalendarSet;
}

/** Category entry of the default pack, looked up by {@link Category}. */
export type CategoryEntry = NonNullable<PackFile['categories']>[Category];
