import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseKey } from '../../../src/auth/index.js';
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
});
