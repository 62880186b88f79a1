import {
  CalendarRangeError,
  needsCalendar,
  shiftBySpan,
  type CalendarSet,
  type Span,
} from '../clocks/calendar/index.js';
import type { PolicyIssue } from './policy-load.error.js';
import type { ClockRule, PackFile, PackSection, SpanBySeverity } from './policy-pack.schema.js';
import type { PolicyPack } from './policy.types.js';
import { SEVERITIES } from './triage-decision.types.js';

/** A pack file that passed schema validation. */
export interface ParsedFile {
  /** Relative to the policies directory. */
  file: string;
  /** Parsed YAML as written (for the version hash). */
  raw: unknown;
  content: PackFile;
}

/**
 * Sections only the default pack may hold: there is one category list, one router, one ladder set,
 * one reading of unknown facts.
 */
const DEFAULT_ONLY: readonly PackSection[] = ['categories', 'routing', 'escalation', 'unknown'];

function checkUniqueIds(
  list: ReadonlyArray<{ id: string }>,
  where: { file: string; section: string },
  issues: PolicyIssue[],
): void {
  const seen = new Set<string>();
  list.forEach((item, i) => {
    if (seen.has(item.id)) {
      issues.push({
        file: where.file,
        path: `${where.section}[${i}].id`,
        reason: `duplicate id "${item.id}"`,
      });
    }
    seen.add(item.id);
  });
}

/** The span a clock has for a severity (undefined: the clock does not apply to it). */
export function spanFor(d: SpanBySeverity, s: (typeof SEVERITIES)[number]): Span | undefined {
  return 'seconds' in d || 'businessDays' in d || 'months' in d ? d : (d as Partial<Record<string, Span>>)[s];
}

const DAY = 86_400;
/** Why a warning lead is not shorter than the clock's length, or undefined when it is. */
function warnProblem(warn: Span, total: Span): string | undefined {
  if ('seconds' in warn) {
    if (warn.seconds === 0) return undefined;
    // The shortest a month or a business day can be: 28 days, 24 hours.
    const shortest =
      'seconds' in total
        ? total.seconds
        : 'months' in total
          ? total.months * 28 * DAY
          : total.businessDays * DAY;
    return warn.seconds < shortest ? undefined : 'warning must come before the deadline';
  }
  if ('businessDays' in warn && 'businessDays' in total)
    return warn.businessDays < total.businessDays ? undefined : 'warning must come before the deadline';
  if ('months' in warn && 'months' in total)
    return warn.months < total.months ? undefined : 'warning must come before the deadline';
  return 'a warning in business days or months needs a duration in the same unit';
}

/** Every span a clock counts with (lengths per severity, warnings, repeat, cap). */
function spansOf(c: ClockRule): Span[] {
  const perSeverity = (d: SpanBySeverity) =>
    SEVERITIES.map((s) => spanFor(d, s)).filter((x) => x !== undefined);
  return [...perSeverity(c.duration), ...perSeverity(c.warnBefore), c.repeat?.every, c.cap?.after].filter(
    (x): x is Span => x !== undefined,
  );
}

function checkClocks(pack: PolicyPack, file: string, issues: PolicyIssue[]): void {
  const obligations = new Set(pack.clocks.map((c) => c.obligation));
  pack.clocks.forEach((c, i) => {
    for (const s of SEVERITIES) {
      const total = spanFor(c.duration, s);
      if (total === undefined) continue;
      const warn = spanFor(c.warnBefore, s);
      if (warn === undefined) {
        issues.push({ file, path: `clocks[${i}].warnBefore`, reason: `no warning time for ${s}` });
        continue;
      }
      const problem = warnProblem(warn, total);
      if (problem) issues.push({ file, path: `clocks[${i}].warnBefore`, reason: `${problem} (${s})` });
    }
    if (spansOf(c).some(needsCalendar) && pack.calendar === undefined) {
      issues.push({
        file,
        path: `clocks[${i}]`,
        reason: 'business days need a calendar: name one in the pack manifest (pack.calendar)',
      });
    }
    if (typeof c.startsFrom !== 'string' && !obligations.has(c.startsFrom.met)) {
      issues.push({
        file,
        path: `clocks[${i}].startsFrom.met`,
        reason: `no clock of this pack is met by "${c.startsFrom.met}": the clock would never start`,
      });
    }
  });
}

function checkCalendar(pack: PolicyPack, file: string, calendars: CalendarSet, issues: PolicyIssue[]): void {
  if (pack.calendar === undefined) return;
  const calendar = calendars.get(pack.calendar);
  if (!calendar) {
    const known = [...calendars.keys()].join(', ') || 'none';
    issues.push({
      file,
      path: 'pack.calendar',
      reason: `no calendar "${pack.calendar}" in calendars/ (found: ${known})`,
    });
  } else if (calendar.zone !== pack.timeZone) {
    issues.push({
      file,
      path: 'pack.calendar',
      reason: `calendar ${calendar.id} holds ${calendar.zone} dates but the pack counts in ${pack.timeZone}`,
    });
  }
}

/**
 * A clock counted in business days must be countable from now: a due time past the calendar's last
 * year would be a guess, so a calendar about to run out stops the start, naming the clock.
 */
function checkCoverage(
  pack: PolicyPack,
  file: string,
  calendars: CalendarSet,
  now: Date,
  issues: PolicyIssue[],
): void {
  const calendar = pack.calendar === undefined ? undefined : calendars.get(pack.calendar);
  if (!calendar) return;
  const counting = { zone: pack.timeZone, calendar: calendar.id };
  pack.clocks.forEach((c, i) => {
    const spans = [
      ...SEVERITIES.map((s) => spanFor(c.duration, s)).map((span) => ['duration', span] as const),
      ['repeat.every', c.repeat?.every] as const,
    ];
    for (const [field, span] of spans) {
      if (span === undefined || !needsCalendar(span)) continue;
      try {
        shiftBySpan(now, span, counting, calendars);
      } catch (err) {
        if (!(err instanceof CalendarRangeError)) throw err;
        issues.push({
          file,
          path: `clocks[${i}].${field}`,
          reason: `a clock starting now (${now.toISOString()}) could not be counted: ${err.message}; add the missing year to calendars/${calendar.id}.yaml`,
        });
        return;
      }
    }
  });
}

/** Merges each pack's files and checks what a single file cannot: layout, ownership, references. */
export function assemblePacks(
  byPack: ReadonlyMap<string, readonly ParsedFile[]>,
  calendars: CalendarSet,
  now: Date,
  issues: PolicyIssue[],
): PolicyPack[] {
  const packs: PolicyPack[] = [];
  for (const [dirId, files] of byPack) {
    const owner = new Map<PackSection, string>();
    const merged: PackFile = {};
    for (const f of files) {
      for (const key of Object.keys(f.content) as PackSection[]) {
        const first = owner.get(key);
        if (first !== undefined) {
          issues.push({ file: f.file, path: key, reason: `section "${key}" is already defined in ${first}` });
          continue;
        }
        owner.set(key, f.file);
        Object.assign(merged, { [key]: f.content[key] });
      }
    }
    const fileOf = (s: PackSection) => owner.get(s) ?? files.at(0)?.file ?? dirId;
    const m = merged.pack;
    if (!m) {
      issues.push({
        file: `packs/${dirId}`,
        path: 'pack',
        reason: 'no file of the pack has the "pack" manifest',
      });
      continue;
    }
    if (m.id !== dirId) {
      issues.push({
        file: fileOf('pack'),
        path: 'pack.id',
        reason: `must equal the directory name "${dirId}"`,
      });
    }
    const pack: PolicyPack = {
      id: m.id,
      name: m.name,
      regime: m.regime,
      isDefault: m.default,
      enabled: m.enabled,
      timeZone: m.timeZone,
      ...(m.calendar === undefined ? {} : { calendar: m.calendar }),
      files: files.map((f) => f.file),
      categories: merged.categories,
      reportability: merged.reportability ?? [],
      severity: merged.severity ?? { rules: [], adjustments: [], overrides: [] },
      routing: merged.routing,
      clocks: merged.clocks ?? [],
      notifications: merged.notifications ?? [],
      escalation: merged.escalation ?? [],
      unknown: merged.unknown,
    };
    if (pack.isDefault) {
      // `unknown` too: how a report's unknowns weigh is a choice the pack makes, never a silent default.
      for (const s of ['categories', 'routing', 'unknown'] as const) {
        if (!merged[s])
          issues.push({ file: fileOf('pack'), path: s, reason: `the default pack must define "${s}"` });
      }
      if (!pack.severity.default) {
        issues.push({
          file: fileOf('severity'),
          path: 'severity.default',
          reason: 'the default pack must set it',
        });
      }
    } else {
      for (const s of DEFAULT_ONLY) {
        if (merged[s])
          issues.push({ file: fileOf(s), path: s, reason: 'only the default pack may define it' });
      }
      if (pack.severity.default) {
        issues.push({
          file: fileOf('severity'),
          path: 'severity.default',
          reason: 'only the default pack may set it',
        });
      }
    }
    const sev = fileOf('severity');
    checkUniqueIds(pack.reportability, { file: fileOf('reportability'), section: 'reportability' }, issues);
    checkUniqueIds(pack.severity.rules, { file: sev, section: 'severity.rules' }, issues);
    checkUniqueIds(pack.severity.adjustments, { file: sev, section: 'severity.adjustments' }, issues);
    checkUniqueIds(pack.severity.overrides, { file: sev, section: 'severity.overrides' }, issues);
    checkUniqueIds(pack.routing?.rules ?? [], { file: fileOf('routing'), section: 'routing.rules' }, issues);
    checkUniqueIds(pack.clocks, { file: fileOf('clocks'), section: 'clocks' }, issues);
    checkUniqueIds(pack.notifications, { file: fileOf('notifications'), section: 'notifications' }, issues);
    checkUniqueIds(pack.escalation, { file: fileOf('escalation'), section: 'escalation' }, issues);
    checkCalendar(pack, fileOf('pack'), calendars, issues);
    checkClocks(pack, fileOf('clocks'), issues);
    checkCoverage(pack, fileOf('clocks'), calendars, now, issues);
    const clockIds = new Set(pack.clocks.map((c) => c.id));
    pack.notifications.forEach((n, i) => {
      if (n.clock !== undefined && !clockIds.has(n.clock)) {
        issues.push({
          file: fileOf('notifications'),
          path: `notifications[${i}].clock`,
          reason: `no clock "${n.clock}" in this pack`,
        });
      }
    });
    packs.push(pack);
  }
  checkAcrossPacks(packs, issues);
  // Default pack first, then by id: evaluation order and output order follow it.
  return packs.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.id.localeCompare(b.id));
}

function checkAcrossPacks(packs: readonly PolicyPack[], issues: PolicyIssue[]): void {
  const defaults = packs.filter((p) => p.isDefault);
  if (defaults.length !== 1) {
    const names = defaults.map((p) => p.id).join(', ') || 'none';
    issues.push({
      file: 'packs',
      path: '',
      reason: `exactly one pack must be the default (found: ${names})`,
    });
  }
  const regimes = new Map<string, string>();
  for (const p of packs) {
    const other = regimes.get(p.regime);
    if (other !== undefined) {
      issues.push({
        file: p.files[0] ?? p.id,
        path: 'pack.regime',
        reason: `regime ${p.regime} is also implemented by ${other}`,
      });
    }
    regimes.set(p.regime, p.id);
  }
}
