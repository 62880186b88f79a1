import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import canonicalize from 'canonicalize';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { businessCalendar, calendarFileSchema, type BusinessCalendar } from '../clocks/calendar/index.js';
import { assemblePacks, type ParsedFile } from './policy-pack.assembler.js';
import { packFileSchema } from './policy-pack.schema.js';
import { PolicyLoadError, formatPath, type PolicyIssue } from './policy-load.error.js';
import type { Policy } from './policy.types.js';

const isYaml = (f: string) => f.endsWith('.yaml') || f.endsWith('.yml');

function listDir(dir: string): string[] {
  return readdirSync(dir).sort();
}

function zodIssues(file: string, error: z.ZodError): PolicyIssue[] {
  return error.issues.map((issue) => {
    // Unknown keys are reported on their parent; name the key itself so the author finds it.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys] : issue.path;
    return { file, path: formatPath(path), reason: issue.message };
  });
}

/** Reads one YAML file: its relative name and raw content, or undefined (issues added). */
function readYaml(
  root: string,
  path: string,
  issues: PolicyIssue[],
): { file: string; raw: unknown } | undefined {
  const file = relative(root, path);
  const doc = parseDocument(readFileSync(path, 'utf8'), { uniqueKeys: true });
  const yamlError = doc.errors.at(0);
  if (yamlError) {
    const at = yamlError.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}` : '';
    issues.push({
      file,
      path: where,
      reason: `invalid YAML: ${(yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
    });
    return undefined;
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) {
    issues.push({ file, path: '', reason: 'file is empty' });
    return undefined;
  }
  return { file, raw };
}

/** Reads and validates one pack file; returns its raw content (for the version) and parsed form. */
function readPackFile(root: string, path: string, issues: PolicyIssue[]): ParsedFile | undefined {
  const read = readYaml(root, path, issues);
  if (!read) return undefined;
  const { file, raw } = read;
  const parsed = packFileSchema.safeParse(withoutExtensions(raw));
  if (!parsed.success) {
    issues.push(...zodIssues(file, parsed.error));
    return undefined;
  }
  return { file, raw, content: parsed.data };
}

/** Top-level `x-…` keys are free-form (YAML anchors, notes): ignored by the schema, kept in the version. */
function withoutExtensions(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('x-')));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Version of a set of pack files: `sha256:<hex>` over the canonical JSON (RFC 8785, via
 * `canonicalize`) of `{ <relative file>: <parsed YAML> }`. Comments and formatting do not change
 * it; any change of content, file name or pack does. Test cases are not part of it.
 */
export function policyVersion(files: ReadonlyArray<{ file: string; raw: unknown }>): string {
  const content: Record<string, unknown> = {};
  for (const f of files) content[f.file.split('\\').join('/')] = f.raw;
  const canonical = canonicalize(content) ?? '';
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

/**
 * Reads `<dir>/calendars/<id>.yaml` (none when the directory is absent): each validated, its id equal
 * to its file name. Returns the calendars and their files (for the version).
 */
function readCalendars(
  dir: string,
  issues: PolicyIssue[],
): { calendars: Map<string, BusinessCalendar>; files: Array<{ file: string; raw: unknown }> } {
  const calendarsDir = join(dir, 'calendars');
  const calendars = new Map<string, BusinessCalendar>();
  const files: Array<{ file: string; raw: unknown }> = [];
  let names: string[];
  try {
    names = listDir(calendarsDir).filter(isYaml);
  } catch {
    return { calendars, files };
  }
  for (const name of names) {
    const read = readYaml(dir, join(calendarsDir, name), issues);
    if (!read) continue;
    const parsed = calendarFileSchema.safeParse(read.raw);
    if (!parsed.success) {
      issues.push(...zodIssues(read.file, parsed.error));
      continue;
    }
    const calendar = businessCalendar(parsed.data);
    if (name.replace(/\.ya?ml$/, '') !== calendar.id) {
      issues.push({ file: read.file, path: 'calendar.id', reason: 'must equal the file name' });
      continue;
    }
    calendars.set(calendar.id, calendar);
    files.push(read);
  }
  return { calendars, files };
}

/**
 * Loads every pack under `<dir>/packs/<pack-id>/*.yaml` and every calendar under `<dir>/calendars/`,
 * validates them and returns an immutable policy.
 * @param options.now when the policy starts counting (default: the wall clock): a business-day clock
 *   that could not be counted from then on, past the calendar's last year, is a load error.
 * @throws PolicyLoadError naming the file, the path inside it and the reason for every problem found.
 */
export function loadPolicy(dir: string, options: { now?: Date } = {}): Policy {
  const packsDir = join(dir, 'packs');
  let packIds: string[];
  try {
    packIds = listDir(packsDir).filter((d) => statSync(join(packsDir, d)).isDirectory());
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new PolicyLoadError([
      { file: packsDir, path: '', reason: `cannot read packs directory: ${reason}` },
    ]);
  }
  const issues: PolicyIssue[] = [];
  const byPack = new Map<string, ParsedFile[]>();
  for (const packId of packIds) {
    const files = listDir(join(packsDir, packId)).filter(isYaml);
    if (files.length === 0)
      issues.push({ file: relative(dir, join(packsDir, packId)), path: '', reason: 'no YAML files' });
    const parsed = files.map((f) => readPackFile(dir, join(packsDir, packId, f), issues));
    byPack.set(
      packId,
      parsed.filter((p): p is ParsedFile => p !== undefined),
    );
  }
  if (packIds.length === 0)
    issues.push({ file: relative(dir, packsDir) || packsDir, path: '', reason: 'no packs' });
  const { calendars, files: calendarFiles } = readCalendars(dir, issues);
  if (issues.length > 0) throw new PolicyLoadError(issues);

  const packs = assemblePacks(byPack, calendars, options.now ?? new Date(), issues);
  if (issues.length > 0) throw new PolicyLoadError(issues);
  const version = policyVersion([...[...byPack.values()].flat(), ...calendarFiles]);
  return deepFreeze({ version, source: dir, packs, calendars });
}
