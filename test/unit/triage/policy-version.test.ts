import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { loadPolicy } from '../../../src/triage/index.js';
import { policyCopy, removeDir } from './triage-test.helpers.js';

const CLOCKS = 'packs/hk-gov/clocks.yaml';
const original = readFileSync(`policies/${CLOCKS}`, 'utf8');

function versionWith(files: Record<string, string>): string {
  const dir = policyCopy(files);
  try {
    return loadPolicy(dir).version;
  } finally {
    removeDir(dir);
  }
}

describe('policy version', () => {
  const base = loadPolicy('policies').version;

  it('when loaded, then it is sha256:<64 hex> and stable across loads and directories', () => {
    expect(base).to.match(/^sha256:[0-9a-f]{64}$/);
    expect(loadPolicy('policies').version).to.equal(base);
    expect(versionWith({})).to.equal(base);
  });

  const cases: Array<{ when: string; text: string; changes: boolean }> = [
    { when: 'only a comment changes', text: `# reviewed 2026-03-01\n${original}`, changes: false },
    {
      when: 'only indentation of flow mappings changes',
      text: original.replace('{ every: 89d, until: closed }', '{every: 89d,   until: closed}'),
      changes: false,
    },
    { when: 'a duration changes', text: original.replace('duration: 60m', 'duration: 45m'), changes: true },
    {
      when: 'a clock name changes',
      text: original.replace('Initial (phone) report', 'Initial report'),
      changes: true,
    },
  ];
  for (const c of cases) {
    it(`when ${c.when}, then the version ${c.changes ? 'changes' : 'stays'}`, () => {
      const v = versionWith({ [CLOCKS]: c.text });
      if (c.changes) expect(v).to.not.equal(base);
      else expect(v).to.equal(base);
    });
  }

  it('when a test case changes, then the version stays (tests are not policy)', () => {
    expect(versionWith({ 'tests/extra.yaml': 'cases: []\n' })).to.equal(base);
  });
});
