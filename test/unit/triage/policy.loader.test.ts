import { expect } from 'chai';
import { loadPolicy, PolicyLoadError } from '../../../src/triage/index.js';
import { policyCopy, removeDir } from './triage-test.helpers.js';

function loadError(files: Record<string, string>): PolicyLoadError {
  const dir = policyCopy(files);
  try {
    loadPolicy(dir);
  } catch (err) {
    if (err instanceof PolicyLoadError) return err;
    throw err;
  } finally {
    removeDir(dir);
  }
  throw new Error('expected the policy to fail to load');
}

const GDPR = 'packs/gdpr/pack.yaml';
const manifest = 'pack: { id: gdpr, name: GDPR, regime: GDPR }\n';
const clock = (extra: string) =>
  `${manifest}clocks:\n  - { id: c, name: C, obligation: report.x, startsFrom: aware, duration: 72h${extra} }\n`;

describe('loadPolicy', () => {
  it('when the packs are valid, then it returns a frozen policy with the default pack first', () => {
    const policy = loadPolicy('policies');
    expect(policy.packs.map((p) => p.id)).to.deep.equal([
      'hk-gov',
      'gdpr',
      'hk-ci',
      'nis2',
      'pcpd-mandatory',
    ]);
    expect(Object.isFrozen(policy)).to.equal(true);
    expect(Object.isFrozen(policy.packs[0]?.clocks[0])).to.equal(true);
  });

  const cases: Array<{
    when: string;
    files: Record<string, string>;
    file: string;
    path: string;
    reason: RegExp;
  }> = [
    {
      when: 'the YAML is malformed',
      files: { [GDPR]: 'pack: [\n' },
      file: GDPR,
      path: 'line 2, column 1',
      reason: /invalid YAML/,
    },
    {
      when: 'a key is duplicated',
      files: { [GDPR]: `${manifest}pack: {}\n` },
      file: GDPR,
      path: 'line 2, column 1',
      reason: /unique/,
    },
    {
      when: 'a top-level key is unknown',
      files: { [GDPR]: `${manifest}colour: red\n` },
      file: GDPR,
      path: 'colour',
      reason: /Unrecognized key/,
    },
    {
      when: 'a nested key is unknown',
      files: { [GDPR]: clock(', colour: red') },
      file: GDPR,
      path: 'clocks[0].colour',
      reason: /Unrecognized key/,
    },
    {
      when: 'a type is wrong',
      files: { [GDPR]: 'pack: { id: gdpr, name: GDPR, regime: GDPR, enabled: yes }\n' },
      file: GDPR,
      path: 'pack.enabled',
      reason: /boolean/,
    },
    {
      when: 'a duration is malformed',
      files: { [GDPR]: clock(', warnBefore: 3 hours') },
      file: GDPR,
      path: 'clocks[0].warnBefore',
      reason: /duration/,
    },
    {
      when: 'a per-severity duration names no severity',
      files: { [GDPR]: clock('').replace('72h', '{ S5: 1h }') },
      file: GDPR,
      path: 'clocks[0].duration.S5',
      reason: /unknown severity/,
    },
    {
      when: 'the warning is not before the deadline',
      files: { [GDPR]: clock(', warnBefore: 72h') },
      file: GDPR,
      path: 'clocks[0].warnBefore',
      reason: /before the deadline/,
    },
    {
      when: 'a condition names an unknown field',
      files: { [GDPR]: clock(', when: { field: flags.capSerios, equals: true }') },
      file: GDPR,
      path: 'clocks[0].when.field',
      reason: /unknown field/,
    },
    {
      when: 'a condition value is not allowed for the field',
      files: { [GDPR]: clock(', when: { field: functionalImpact, equals: huge }') },
      file: GDPR,
      path: 'clocks[0].when.equals',
      reason: /one of none, low/,
    },
    {
      when: 'a nested condition uses an unknown operator',
      files: { [GDPR]: clock(', when: { all: [{ not: { field: severity, matches: S1 } }] }') },
      file: GDPR,
      path: 'clocks[0].when.all[0].not.matches',
      reason: /unknown operator/,
    },
    {
      when: 'a condition is code rather than data',
      files: { [GDPR]: clock(', when: \'input.severity == "S1"\'') },
      file: GDPR,
      path: 'clocks[0].when',
      reason: /must be a mapping/,
    },
    {
      when: 'a severity rule reads the severity',
      files: {
        [GDPR]: `${manifest}severity: { rules: [{ id: x, severity: S1, when: { field: severity, equals: S2 } }] }\n`,
      },
      file: GDPR,
      path: 'severity.rules[0].when.field',
      reason: /not known yet/,
    },
    {
      when: 'a regime pack defines routing',
      files: { [GDPR]: `${manifest}routing: { default: q }\n` },
      file: GDPR,
      path: 'routing',
      reason: /only the default pack/,
    },
    {
      when: 'the manifest id differs from the directory',
      files: { [GDPR]: 'pack: { id: gdpr2, name: GDPR, regime: GDPR }\n' },
      file: GDPR,
      path: 'pack.id',
      reason: /directory name/,
    },
    {
      when: 'a notification names a missing clock',
      files: {
        [GDPR]: `${manifest}notifications: [{ id: n, to: x, template: t, tlp: AMBER, clock: nope }]\n`,
      },
      file: GDPR,
      path: 'notifications[0].clock',
      reason: /no clock "nope"/,
    },
    {
      when: 'a notification route gives no TLP',
      files: { [GDPR]: `${manifest}notifications: [{ id: n, to: x, template: t }]\n` },
      file: GDPR,
      path: 'notifications[0].tlp',
      reason: /expected a TLP 2\.0 level: CLEAR, GREEN, AMBER, AMBER\+STRICT, RED/,
    },
    {
      when: 'a notification route gives a TLP that TLP 2.0 does not have',
      files: { [GDPR]: `${manifest}notifications: [{ id: n, to: x, template: t, tlp: WHITE }]\n` },
      file: GDPR,
      path: 'notifications[0].tlp',
      reason: /expected a TLP 2\.0 level/,
    },
    {
      when: 'a category is missing',
      files: {
        'packs/hk-gov/categories.yaml': 'categories:\n  other: { name: O, reportable: true, rsit: other }\n',
      },
      file: 'packs/hk-gov/categories.yaml',
      path: 'categories.abuse_of_systems',
      reason: /expected object/,
    },
    {
      when: 'two packs claim the default',
      files: { [GDPR]: 'pack: { id: gdpr, name: GDPR, regime: GDPR, default: true }\n' },
      file: 'packs',
      path: '',
      reason: /exactly one pack must be the default/,
    },
  ];
  for (const c of cases) {
    it(`when ${c.when}, then it fails with file, path and reason`, () => {
      const err = loadError(c.files);
      const issue = err.issues.find((i) => i.file === c.file && i.path === c.path);
      expect(issue, JSON.stringify(err.issues)).to.not.equal(undefined);
      expect(issue?.reason).to.match(c.reason);
      expect(err.message).to.include(err.file);
    });
  }

  it('when the directory does not exist, then it fails with a PolicyLoadError', () => {
    expect(() => loadPolicy('no/such/dir')).to.throw(PolicyLoadError, /cannot read packs directory/);
  });
});
