import { z } from 'zod';
import type { Language } from '../../accounts/index.js';
import {
  MAX_SIMULATED,
  NEW_PACK_FILE,
  type PolicyReviewService,
  type PolicySimulation,
} from '../../incidents/index.js';
import { ValidationError } from '../../platform/index.js';
import type { Translator } from '../i18n.js';
import { definePage, type AnyPage, type PageProblem } from '../page.js';
import { formState } from '../render.js';

export interface AdminPolicyDeps {
  policy: Pick<PolicyReviewService, 'summary' | 'packFiles' | 'runTests' | 'candidate' | 'simulate'>;
  translator: Translator;
}

/** How many past incidents a simulation may read, as offered on the form. */
const LIMITS = [100, 250, 500, MAX_SIMULATED] as const;
/** Reading past incidents stops after this long, so the request answers within seconds. */
const READ_BUDGET_MS = 8_000;
/** Changed incidents shown on the result page (the counts cover all of them). */
const SHOWN = 20;
const SIMULATE_FIELDS = ['enabled', 'file', 'content', 'limit'] as const;

// Checkboxes send one value, several, or none: always read as a list.
const checked = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));

const simulateForm = z
  .object({
    enabled: checked.pipe(z.array(z.string().max(64)).max(50)),
    file: z.string().max(300),
    content: z.string().max(60_000),
    limit: z.coerce
      .number()
      .int()
      .refine((n) => (LIMITS as readonly number[]).includes(n), 'validation.choice'),
  })
  .superRefine((form, ctx) => {
    if (form.file !== '' && form.content.trim() === '')
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'validation.required' });
    if (form.file === '' && form.content.trim() !== '')
      ctx.addIssue({ code: 'custom', path: ['file'], message: 'validation.required' });
  });

/**
 * A value of a decision as a short text: JSON cut at 300 characters, a clock's due time first (what a
 * change of policy does to a deadline is what the page is read for, and it sits late in the JSON).
 */
function shown(value: unknown): string | null {
  if (value === undefined) return null;
  const due =
    typeof value === 'object' && value !== null && 'dueAt' in value
      ? `dueAt ${JSON.stringify(value.dueAt)} · `
      : '';
  const text = due + JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** The simulation as the result page shows it: counts, where it stopped, the first changed incidents. */
function simulationData(simulation: PolicySimulation) {
  const { result } = simulation;
  return {
    currentVersion: result.currentVersion,
    candidateVersion: result.candidateVersion,
    packsOn: simulation.enabledChanges.on.join(', ') || null,
    packsOff: simulation.enabledChanges.off.join(', ') || null,
    evaluated: result.evaluated,
    changedCount: result.changed.length,
    dueTimesChanged: result.dueTimesChanged,
    uncounted: result.uncounted.length,
    limited: simulation.truncated && !simulation.outOfTime,
    outOfTime: simulation.outOfTime,
    seconds: READ_BUDGET_MS / 1000,
    shown: Math.min(SHOWN, result.changed.length),
    changed: result.changed.slice(0, SHOWN).map((changed) => ({
      ref: changed.ref,
      changes: changed.changes.map((change) => ({
        field: change.field,
        current: shown(change.current),
        candidate: shown(change.candidate),
      })),
      reasons: changed.reasonChanges,
    })),
  };
}

/**
 * Policy packs for administrators, through the intake module's policy review service: the active
 * policy (version, where it was loaded from, packs with their regimes, files and rule counts), its
 * test cases run with the result of each, and a candidate (packs enabled or not, and optionally one
 * pack file replaced or added from an uploaded or pasted text) simulated against the newest past
 * incidents, bounded in number and reading time so the request answers promptly. Nothing is written.
 */
export function adminPolicyPages(deps: AdminPolicyDeps): AnyPage[] {
  const { translator } = deps;
  const policyView = (
    lang: Language,
    problems: PageProblem[] = [],
    values: Record<string, string> = {},
    chosen: readonly string[] | null = null,
  ) => {
    const summary = deps.policy.summary();
    const enabled = chosen ?? summary.packs.filter((pack) => pack.enabled).map((pack) => pack.id);
    const limit = 'limit' in values ? values.limit : String(LIMITS[0]);
    return {
      view: 'admin/policy',
      title: 'adminPolicy.title',
      data: {
        summary: {
          ...summary,
          packs: summary.packs.map((pack) => ({ ...pack, files: pack.files.join(', ') })),
          calendars: summary.calendars.join(', ') || null,
        },
        packChoices: summary.packs.map((pack) => ({
          id: pack.id,
          regime: pack.regime,
          isDefault: pack.isDefault,
          checked: pack.isDefault || enabled.includes(pack.id),
        })),
        files: [
          ...deps.policy.packFiles().map((path) => ({ path, label: path })),
          { path: NEW_PACK_FILE, label: translator.t(lang, 'adminPolicy.newPack') },
        ].map((file) => ({ ...file, selected: values.file === file.path })),
        limits: LIMITS.map((n) => ({ n, selected: String(n) === limit })),
        max: MAX_SIMULATED,
        seconds: READ_BUDGET_MS / 1000,
        form: formState(translator, lang, SIMULATE_FIELDS, problems, values),
      },
    };
  };
  return [
    definePage({
      method: 'get',
      path: '/console/admin/policy',
      permission: 'policy.manage',
      handler: ({ lang }) => policyView(lang),
    }),
    definePage({
      method: 'get',
      path: '/console/admin/policy/tests',
      permission: 'policy.manage',
      handler: async () => {
        const active = deps.policy.summary().version;
        try {
          const report = await deps.policy.runTests();
          return {
            view: 'admin/policy-tests',
            title: 'adminPolicy.testsTitle',
            data: {
              report: {
                passed: report.passed,
                failed: report.failed,
                total: report.passed + report.failed,
                version: report.policyVersion,
              },
              versionDiffers: report.policyVersion !== active,
              active,
              problems: null,
              // Failed cases first: they are what the page is opened for.
              cases: [...report.cases]
                .sort((a, b) => Number(a.passed) - Number(b.passed))
                .map((c) => ({
                  file: c.file,
                  name: c.name,
                  passed: c.passed,
                  diffs: c.diffs.map((d) => ({
                    field: d.field,
                    expected: shown(d.expected) ?? '—',
                    actual: shown(d.actual) ?? '—',
                  })),
                })),
            },
          };
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          return {
            view: 'admin/policy-tests',
            title: 'adminPolicy.testsTitle',
            data: {
              report: null,
              versionDiffers: false,
              active,
              problems: err.problems.map((p) => p.message),
              cases: [],
            },
          };
        }
      },
    }),
    definePage({
      method: 'post',
      path: '/console/admin/policy/simulate',
      permission: 'policy.manage',
      form: simulateForm,
      handler: async ({ form }) => {
        const candidate = deps.policy.candidate({
          enabled: form.enabled,
          file: form.file === '' ? null : { path: form.file, content: form.content },
        });
        const simulation = await deps.policy.simulate(candidate, {
          limit: form.limit,
          budgetMs: READ_BUDGET_MS,
        });
        return {
          view: 'admin/policy-simulation',
          title: 'adminPolicy.simulateTitle',
          data: { simulation: simulationData(simulation) },
        };
      },
      // An invalid candidate file comes back with each of its problems under the contents.
      invalid: ({ lang, req }, problems, values) => {
        const body = req.body as { enabled?: unknown };
        const chosen = ([] as unknown[]).concat(body.enabled ?? []).filter((v) => typeof v === 'string');
        return policyView(lang, problems, values, chosen);
      },
    }),
  ];
}
