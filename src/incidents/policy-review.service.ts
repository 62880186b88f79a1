import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ALL_SCOPE } from '../auth/index.js';
import { ValidationError } from '../platform/index.js';
import {
  formatIssue,
  loadPolicy,
  PolicyLoadError,
  type PolicyIssue,
  simulateDecisions,
  type Policy,
  type PolicyPack,
  type PolicyTestReport,
  type SimulationResult,
  type TriageInput,
} from '../triage/index.js';
import type { BureauDirectory } from './incident-intake.service.js';
import type { IncidentRepository } from './incident.repository.js';
import { toTriageInput } from './incident-triage-input.js';

/** Where an uploaded pack file goes when it is a pack of its own rather than a new version of a file. */
export const NEW_PACK_FILE = 'packs/candidate/pack.yaml';
/** At most this many past incidents are evaluated in one simulation. */
export const MAX_SIMULATED = 1000;
const PAGE = 100;
/** Incidents evaluated between two yields to the event loop (each takes a few milliseconds). */
const SLICE = 20;

const yieldToOthers = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

/** One installed pack as an administrator reviews it. */
export interface PackSummary {
  id: string;
  name: string;
  regime: string;
  isDefault: boolean;
  enabled: boolean;
  timeZone: string;
  calendar: string | null;
  files: readonly string[];
  /** Reportability, severity (rules, adjustments, overrides), routing, clock, notification and ladder rules. */
  rules: number;
}

/** The active policy: its version, where it was loaded from, its packs and calendars. */
export interface PolicySummary {
  version: string;
  source: string;
  packs: PackSummary[];
  rules: number;
  calendars: string[];
}

/**
 * A candidate policy: the installed packs with the chosen ones enabled, and optionally one pack file
 * replaced (or a new pack added) by an uploaded text.
 */
export interface CandidateSpec {
  enabled: readonly string[];
  file: { path: string; content: string } | null;
}

/** A simulation as the console shows it: bounded, and saying where it stopped. */
export interface PolicySimulation {
  result: SimulationResult;
  /** The newest incidents were read up to this many. */
  limit: number;
  /** True when older incidents exist that were not evaluated (the limit or the time budget stopped it). */
  truncated: boolean;
  /** True when reading stopped at the time budget before the limit. */
  outOfTime: boolean;
  /** Packs enabled in one policy and not the other. */
  enabledChanges: { on: string[]; off: string[] };
}

function ruleCount(pack: PolicyPack): number {
  return (
    pack.reportability.length +
    pack.severity.rules.length +
    pack.severity.adjustments.length +
    pack.severity.overrides.length +
    (pack.routing?.rules.length ?? 0) +
    pack.clocks.length +
    pack.notifications.length +
    pack.escalation.length
  );
}

/**
 * Policy review for administrators: the active policy described, its own test cases run, and a
 * candidate evaluated against past incidents to see what would change. Nothing here writes: the
 * candidate lives in a temporary directory for as long as it is loaded, and the active policy is the
 * one triage loaded at start.
 */
export class PolicyReviewService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly bureaux: BureauDirectory,
    private readonly active: () => Policy,
    private readonly policyDir: string,
  ) {}

  summary(): PolicySummary {
    const policy = this.active();
    const packs = policy.packs.map((pack) => ({
      id: pack.id,
      name: pack.name,
      regime: pack.regime,
      isDefault: pack.isDefault,
      enabled: pack.enabled,
      timeZone: pack.timeZone,
      calendar: pack.calendar ?? null,
      files: pack.files,
      rules: ruleCount(pack),
    }));
    return {
      version: policy.version,
      source: policy.source,
      packs,
      rules: packs.reduce((sum, pack) => sum + pack.rules, 0),
      calendars: [...policy.calendars.keys()].sort(),
    };
  }

  /** The pack files a candidate may replace (relative to the policies directory). */
  packFiles(): string[] {
    return this.active().packs.flatMap((pack) => pack.files);
  }

  /**
   * Runs the test cases of the policies directory (`tests/*.yaml`) against the policy there, in a
   * worker thread (loading and evaluating take a second or more of CPU, which would hold up every
   * other request). When the files changed since the start, the report's version differs from the
   * active one: say so.
   * @throws ValidationError naming each invalid test file or pack (as `policy test` would print it).
   */
  async runTests(): Promise<PolicyTestReport> {
    const answer = await inThread<TestAnswer>('policy-test-thread', { dir: this.policyDir });
    if (!answer.ok) throw asProblems(new PolicyLoadError(answer.issues), 'tests');
    return answer.report;
  }

  /**
   * Builds a candidate policy. An uploaded file must name an installed pack file or the new-pack
   * place; an invalid file is a 422 naming each problem (`content`).
   */
  candidate(spec: CandidateSpec): Policy {
    const current = this.active();
    const loaded = spec.file ? this.withFile(spec.file) : current;
    const unknown = spec.enabled.filter((id) => !loaded.packs.some((pack) => pack.id === id));
    if (unknown.length > 0) {
      throw new ValidationError(unknown.map((id) => ({ path: 'enabled', message: `no pack "${id}"` })));
    }
    // A pack the upload adds is tried enabled; the default pack always applies.
    const added = loaded.packs.filter((pack) => !current.packs.some((p) => p.id === pack.id));
    const on = new Set([...spec.enabled, ...added.map((pack) => pack.id)]);
    return {
      ...loaded,
      packs: loaded.packs.map((pack) => ({ ...pack, enabled: pack.isDefault || on.has(pack.id) })),
    };
  }

  /**
   * Evaluates the active and the candidate policy against the newest `limit` incidents (at most
   * {@link MAX_SIMULATED}), reading for at most `budgetMs`, so a request never waits long: the answer
   * says when it stopped early.
   */
  async simulate(
    candidate: Policy,
    options: { limit: number; budgetMs?: number; now?: Date },
  ): Promise<PolicySimulation> {
    const limit = Math.min(Math.max(options.limit, 1), MAX_SIMULATED);
    const stopAt = Date.now() + (options.budgetMs ?? 10_000);
    const regimes = new Map<string, string[]>();
    const inputs: Array<{ id: string; ref: string; input: TriageInput }> = [];
    let before: string | undefined;
    let more = false;
    let outOfTime = false;
    while (inputs.length < limit) {
      if (Date.now() > stopAt) {
        outOfTime = true;
        more = true;
        break;
      }
      const want = Math.min(PAGE, limit - inputs.length);
      // One more than wanted tells whether older incidents were left out.
      const page = await this.incidents.list(ALL_SCOPE, { before }, want + 1);
      more = page.length > want;
      for (const incident of page.slice(0, want)) {
        if (!regimes.has(incident.bureauId)) {
          regimes.set(incident.bureauId, (await this.bureaux.getBureau(incident.bureauId))?.regimes ?? []);
        }
        // The campaign count as triage last saw it: simulation compares policies, not indicator data.
        const related = incident.triage?.relatedBureauxCount ?? 0;
        inputs.push({
          id: incident.id,
          ref: incident.ref,
          input: toTriageInput(incident, regimes.get(incident.bureauId) ?? [], related),
        });
      }
      if (!more) break;
      before = page[want - 1]?.id;
    }
    const current = this.active();
    // Evaluated a slice at a time, yielding between slices, so other requests are served meanwhile;
    // the time budget covers evaluation too.
    const now = options.now ?? new Date();
    const result: SimulationResult = {
      currentVersion: current.version,
      candidateVersion: candidate.version,
      evaluated: 0,
      changed: [],
      dueTimesChanged: 0,
      uncounted: [],
    };
    for (let start = 0; start < inputs.length; start += SLICE) {
      if (start > 0) await yieldToOthers();
      if (Date.now() > stopAt) {
        outOfTime = true;
        more = true;
        break;
      }
      const part = simulateDecisions(current, candidate, inputs.slice(start, start + SLICE), { now });
      result.evaluated += part.evaluated;
      result.changed.push(...part.changed);
      result.dueTimesChanged += part.dueTimesChanged;
      result.uncounted.push(...part.uncounted);
    }
    const enabled = (policy: Policy) => new Set(policy.packs.filter((p) => p.enabled).map((p) => p.id));
    const was = enabled(current);
    const will = enabled(candidate);
    return {
      result,
      limit,
      truncated: more,
      outOfTime,
      enabledChanges: {
        on: [...will].filter((id) => !was.has(id)).sort(),
        off: [...was].filter((id) => !will.has(id)).sort(),
      },
    };
  }

  /** The installed policy with one pack file replaced or added, loaded from a temporary copy. */
  private withFile(file: { path: string; content: string }): Policy {
    const allowed = [...this.packFiles(), NEW_PACK_FILE];
    if (!allowed.includes(file.path)) {
      throw new ValidationError([{ path: 'file', message: `not a pack file: ${file.path}` }]);
    }
    const dir = mkdtempSync(join(tmpdir(), 'govcert-candidate-'));
    try {
      for (const part of ['packs', 'calendars']) {
        const from = join(this.policyDir, part);
        if (existsSync(from)) cpSync(from, join(dir, part), { recursive: true });
      }
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.content, 'utf8');
      return loadPolicy(dir);
    } catch (err) {
      throw asProblems(err, 'content');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

type TestAnswer = { ok: true; report: PolicyTestReport } | { ok: false; issues: PolicyIssue[] };

/** Runs a one-shot thread (the built `.js` next to this file, or its `.ts` source) and awaits its answer. */
function inThread<T>(name: string, data: unknown): Promise<T> {
  let worker: Worker;
  // The path, not the URL: tsx's tsImport (bin/govcert.js in a checkout) adds a `?tsx-namespace=` query.
  if (!new URL(import.meta.url).pathname.endsWith('.ts')) {
    worker = new Worker(new URL(`./${name}.js`, import.meta.url), { workerData: data });
  } else {
    // Run from source (tsx: tests, dev): Node 20 threads do not inherit the TypeScript loader.
    const loader = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const entry = JSON.stringify(new URL(`./${name}.ts`, import.meta.url).href);
    worker = new Worker(`import(${loader}).then((tsx) => { tsx.register(); return import(${entry}); });`, {
      eval: true,
      workerData: data,
    });
  }
  return new Promise<T>((resolve, reject) => {
    worker.once('message', (answer: T) => {
      resolve(answer);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`${name} exited with code ${code} before answering`));
    });
  });
}

/** A policy load error as field problems on `field`, one per issue. */
function asProblems(err: unknown, field: string): unknown {
  if (!(err instanceof PolicyLoadError)) return err;
  return new ValidationError(
    err.issues.map((issue) => ({ path: field, message: formatIssue(issue) })),
    'The policy is invalid.',
  );
}
