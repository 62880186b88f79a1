import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
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
const manifest = 'pack: { id: gdpr, name: GDPR, regime: GDPR, timeZone: UTC }\n';
const clock = (extra: string) =>
  `${manifest}clocks:\n  - { id: c, name: C, obligation: report.x, startsFrom: aware, duration: 72h${extra} }\n`;

describe('loadPolicy', () => {
  it('when the packs are valid, then it returns a frozen policy with the default pack first', () => {
    const policy = loadPolicy('policies');
    expect(policy.packs.map((p) => p.id)).to.deep.equal([
      'hk-gov',
      'circia',
      'dora',
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
      files: { [GDPR]: 'pack: { id: gdpr, name: GDPR, regime: GDPR, timeZone: UTC, enabled: yes }\n' },
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
      files: { [GDPR]: 'pack: { id: gdpr2, name: GDPR, regime: GDPR, timeZone: UTC }\n' },
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
      when: 'a pack does not state its time zone',
      files: { [GDPR]: 'pack: { id: gdpr, name: GDPR, regime: GDPR }\n' },
      file: GDPR,
      path: 'pack.timeZone',
      reason: /state the IANA time zone the regime counts in/,
    },
    {
      when: 'a pack names a time zone that does not exist',
      files: { [GDPR]: 'pack: { id: gdpr, name: GDPR, regime: GDPR, timeZone: Asia/Kowloon }\n' },
      file: GDPR,
      path: 'pack.timeZone',
      reason: /expected an IANA time zone/,
    },
    {
      when: 'a clock length is neither a duration nor business days nor months',
      files: {
        [GDPR]: `${manifest}clocks:\n  - { id: c, name: C, obligation: report.x, startsFrom: aware, duration: 5 working days }\n`,
      },
      file: GDPR,
      path: 'clocks[0].duration',
      reason: /"5 business days", "1 month"/,
    },
    {
      when: 'a clock counts business days without a calendar',
      files: {
        [GDPR]: `${manifest}clocks:\n  - { id: c, name: C, obligation: report.x, startsFrom: aware, duration: 5 business days }\n`,
      },
      file: GDPR,
      path: 'clocks[0]',
      reason: /business days need a calendar/,
    },
    {
      when: 'a pack names a calendar not shipped',
      files: { [GDPR]: 'pack: { id: gdpr, name: GDPR, regime: GDPR, timeZone: UTC, calendar: uk }\n' },
      file: GDPR,
      path: 'pack.calendar',
      reason: /no calendar "uk" in calendars\/ \(found: hk\)/,
    },
    {
      when: "a pack counts in another zone than its calendar's dates",
      files: { [GDPR]: 'pack: { id: gdpr, name: GDPR, regime: GDPR, timeZone: UTC, calendar: hk }\n' },
      file: GDPR,
      path: 'pack.calendar',
      reason: /calendar hk holds Asia\/Hong_Kong dates but the pack counts in UTC/,
    },
    {
      when: 'a warning in business days comes with an hour-long clock',
      files: {
        [GDPR]: `${manifest}clocks:\n  - { id: c, name: C, obligation: report.x, startsFrom: aware, duration: 72h, warnBefore: 1 business day }\n`,
      },
      file: GDPR,
      path: 'clocks[0].warnBefore',
      reason: /needs a duration in the same unit/,
    },
    {
      when: 'a clock is chained to an obligation no clock of the pack has',
      files: {
        [GDPR]: `${manifest}clocks:\n  - { id: c, name: C, obligation: report.x, startsFrom: { met: report.y }, duration: 1 month }\n`,
      },
      file: GDPR,
      path: 'clocks[0].startsFrom.met',
      reason: /no clock of this pack is met by "report.y"/,
    },
    {
      when: 'a calendar file is named after another id',
      files: {
        'calendars/hk2.yaml':
          "calendar: { id: hk, name: H, zone: Asia/Hong_Kong, weekend: [sunday], years: { from: 2026, to: 2026 }, sources: [s] }\nholidays: [{ date: '2026-01-01', name: N }]\n",
      },
      file: 'calendars/hk2.yaml',
      path: 'calendar.id',
      reason: /must equal the file name/,
    },
    {
      when: 'two packs claim the default',
      files: { [GDPR]: 'pack: { id: gdpr, name: GDPR, regime: GDPR, timeZone: UTC, default: true }\n' },
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

  it('when a business-day clock started now would fall past the calendar, then the start fails naming it', () => {
    const at = (now: string) => () => loadPolicy('policies', { now: new Date(now) });
    expect(at('2027-12-20T00:00:00Z')).to.not.throw();
    expect(at('2027-12-28T02:00:00Z')).to.throw(
      PolicyLoadError,
      /packs\/pcpd-mandatory\/pack\.yaml: clocks\[0\]\.duration: .*calendar hk covers 2025-2027.*calendars\/hk\.yaml/,
    );
  });

  it('when a calendar changes, then the policy version changes', () => {
    const dir = policyCopy();
    try {
      const before = loadPolicy(dir).version;
      const text = readFileSync(`${dir}/calendars/hk.yaml`, 'utf8').replace("'2026-10-19'", "'2026-10-20'");
      writeFileSync(`${dir}/calendars/hk.yaml`, text);
      expect(loadPolicy(dir).version).to.not.equal(before);
    } finally {
      removeDir(dir);
    }
  });

  it('when the directory does not exist, then it fails with a PolicyLoadError', () => {
    expect(() => loadPolicy('no/such/dir')).to.throw(PolicyLoadError, /cannot read packs directory/);
  });
});
