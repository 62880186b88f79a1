import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseKey } from '../../../src/auth/index.js';
import { recordRunningServices } from '../../../src/platform/embedded/index.js';
import { isolatedUrls, uniqueName } from '../../helpers/services.js';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../../bin/govcert.js');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

describe('govcert CLI: bureaux, users and keys', function () {
  // Each command is a fresh Node process compiling TypeScript through tsx: seconds, not milliseconds.
  this.timeout(120_000);
  let env: Record<string, string>;

  /** Runs `bin/govcert.js` as an operator would, against this file's own database. */
  async function govcert(...args: string[]): Promise<Outcome> {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const failed = err as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  before(() => {
    const { mongodbUri } = isolatedUrls('cli');
    env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', MONGODB_URI: mongodbUri, LOG_LEVEL: 'warn' };
  });

  it('when an operator creates a bureau, a reporter and a key, then the key is printed once and listed without its secret', async () => {
    const code = `C${uniqueName('X').slice(2, 7).toUpperCase()}`;
    const bureau = await govcert(
      'bureau',
      'create',
      '--code',
      code,
      '--name',
      'CLI Department',
      '--regime',
      'HK-GOV',
      '--contact',
      'Duty,duty@cli.example,ITSO',
    );
    expect(bureau.code, bureau.stderr).to.equal(0);
    expect((await govcert('bureau', 'list')).stdout).to.include(code);

    const email = `${code.toLowerCase()}@cli.example`;
    const user = await govcert(
      'user',
      'create',
      '--name',
      'CLI Reporter',
      '--email',
      email,
      '--role',
      'reporter',
      '--bureau',
      code,
    );
    expect(user.code, user.stderr).to.equal(0);
    expect((await govcert('user', 'list', '--bureau', code)).stdout).to.include(email);

    const key = await govcert('key', 'create', '--user', email, '--label', 'cli test', '--days', '7');
    expect(key.code, key.stderr).to.equal(0);
    const parsed = parseKey(key.stdout.trim());
    expect(parsed).not.to.equal(null);
    const listed = await govcert('key', 'list', '--user', email);
    expect(listed.stdout).to.include(parsed?.keyId).and.include('active');
    expect(listed.stdout).not.to.include(parsed?.secret);

    const revoked = await govcert('key', 'revoke', parsed?.keyId ?? '');
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect((await govcert('key', 'list', '--user', email)).stdout).to.include('revoked');
  });

  it('when an operator omits the bureau of a reporter, then the CLI names the field and exits 1', async () => {
    const outcome = await govcert(
      'user',
      'create',
      '--name',
      'x',
      '--email',
      'nobureau@cli.example',
      '--role',
      'reporter',
    );
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr).to.include('bureauId: reporters must belong to a bureau');
  });

  it('when an operator edits and deactivates a bureau and disables a user, then the lists show it and unknown regimes are refused', async function () {
    this.timeout(240_000); // eight commands, each a fresh process
    const code = `E${uniqueName('X').slice(2, 7).toUpperCase()}`;
    const typo = await govcert(
      'bureau',
      'create',
      '--code',
      code,
      '--name',
      'Edit Dept',
      '--regime',
      'HK-GOVV',
    );
    expect(typo.code).to.equal(1);
    expect(typo.stderr).to.include('regimes.0: unknown regime "HK-GOVV"').and.include('HK-GOV');
    const created = await govcert(
      'bureau',
      'create',
      '--code',
      code,
      '--name',
      'Edit Dept',
      '--regime',
      'HK-GOV',
    );
    expect(created.code, created.stderr).to.equal(0);
    const edited = await govcert(
      'bureau',
      'edit',
      code,
      '--name',
      'Edited Dept',
      '--regime',
      'HK-GOV',
      '--regime',
      'HK-CI',
    );
    expect(edited.code, edited.stderr).to.equal(0);
    const deactivated = await govcert('bureau', 'deactivate', code);
    expect(deactivated.code, deactivated.stderr).to.equal(0);
    const listed = (await govcert('bureau', 'list')).stdout.split('\n').find((line) => line.startsWith(code));
    expect(listed).to.include('Edited Dept').and.include('HK-GOV,HK-CI').and.include('deactivated');

    const email = `${code.toLowerCase()}.staff@cli.example`;
    expect(
      (await govcert('user', 'create', '--name', 'Staff', '--email', email, '--role', 'responder')).code,
    ).to.equal(0);
    const disabled = await govcert('user', 'disable', email);
    expect(disabled.code, disabled.stderr).to.equal(0);
    const users = (await govcert('user', 'list', '--role', 'responder')).stdout;
    expect(users.split('\n').find((line) => line.includes(email))).to.include('disabled');
  });

  it('when routes of the policy have no recipient list, then `recipient-list check` names them and `recipient-list put` creates one', async () => {
    const before = await govcert('recipient-list', 'check');
    expect(before.code).to.equal(1);
    expect(before.stdout).to.include('ci-commissioner').and.include('hk-ci/notifications/commissioner');
    const put = await govcert(
      'recipient-list',
      'put',
      'ci-commissioner',
      '--name',
      'Commissioner of Critical Infrastructure',
      '--organisation',
      'Office of the Commissioner',
      '--circle',
      'partner',
      '--member',
      'Duty Desk,report@ci-commissioner.example',
    );
    expect(put.code, put.stderr).to.equal(0);
    expect((await govcert('recipient-list', 'list')).stdout).to.include('report@ci-commissioner.example');
    expect((await govcert('recipient-list', 'check')).stdout).not.to.include('ci-commissioner');
    const bad = await govcert(
      'recipient-list',
      'put',
      'x-list',
      '--name',
      'x',
      '--organisation',
      'x',
      '--circle',
      'galaxy',
      '--member',
      'x,not-an-address',
    );
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.include('circle').and.include('members.0.address');
  });

  describe('beside a running `npm start`', () => {
    let dataDir: string;
    beforeEach(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'govcert-cli-'));
    });
    afterEach(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** `govcert` with no MONGODB_URI, in a folder whose data folder is `dataDir`. */
    async function besideStart(...args: string[]): Promise<Outcome> {
      const saved = env;
      env = { PATH: saved.PATH, NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: dataDir };
      try {
        return await govcert(...args);
      } finally {
        env = saved;
      }
    }

    it('when the instance recorded its services, then the CLI reaches its database with no setup', async () => {
      const code = `S${uniqueName('X').slice(2, 7).toUpperCase()}`;
      const created = await govcert(
        'bureau',
        'create',
        '--code',
        code,
        '--name',
        'Started Dept',
        '--regime',
        'HK-GOV',
      );
      expect(created.code, created.stderr).to.equal(0);
      // What launch records: this test process stands in for the running instance (its pid is alive).
      recordRunningServices(dataDir, {
        pid: process.pid,
        mongodbUri: env.MONGODB_URI,
        redisUrl: 'redis://127.0.0.1:1',
        demo: true,
        startedAt: new Date().toISOString(),
      });
      const listed = await besideStart('bureau', 'list');
      expect(listed.code, listed.stderr).to.equal(0);
      expect(listed.stdout).to.include(code);
    });

    it('when no instance is recorded or it has stopped, then the CLI says so and how to point it elsewhere', async () => {
      const none = await besideStart('bureau', 'list');
      expect(none.code).to.equal(1);
      expect(none.stderr).to.include('no running `npm start`').and.include('MONGODB_URI');

      recordRunningServices(dataDir, {
        pid: 2 ** 22 + 1, // above Linux's pid_max: never a running process
        mongodbUri: env.MONGODB_URI,
        redisUrl: 'redis://127.0.0.1:1',
        demo: true,
        startedAt: new Date().toISOString(),
      });
      const stale = await besideStart('bureau', 'list');
      expect(stale.code).to.equal(1);
      expect(stale.stderr).to.include('is not running');
    });

    it('when MONGODB_URI names no database, then the CLI refuses it instead of printing an empty list', async () => {
      const saved = env;
      env = { ...saved, MONGODB_URI: saved.MONGODB_URI.replace(/\/[^/]*$/, '/') };
      try {
        const outcome = await govcert('bureau', 'list');
        expect(outcome.code).to.equal(1);
        expect(outcome.stderr).to.match(/MONGODB_URI: names no database/);
      } finally {
        env = saved;
      }
    });
  });
});
