import { expect } from 'chai';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { reportBody } from '../../factories/incident.factory.js';

type ErrorBody = { error: { code: string; details: Array<{ path: string; message: string }> | null } };

describe('Intake validation: bad reports are refused and nothing is stored', () => {
  let runtime: TestRuntime;
  let reporter: TestActor;
  const count = () => runtime.platform.db.collection('incidents').countDocuments();
  const post = (body: unknown, raw?: string) =>
    call<ErrorBody>(runtime.url, 'POST', '/api/v1/incidents', { key: reporter.key, body, raw });

  before(async () => {
    runtime = await startTestRuntime('intakeval', { BODY_LIMIT: '2mb' });
    reporter = await createActor(runtime, { role: 'reporter' });
  });
  after(async () => {
    await runtime.stop();
  });

  const future = new Date(Date.now() + 3600_000).toISOString();
  const cases: Array<[string, () => unknown, string[]]> = [
    [
      'a missing category and title',
      () => ({ ...reportBody(), category: undefined, title: undefined }),
      ['body.category', 'body.title'],
    ],
    [
      'wrong types',
      () => reportBody({ personalDataInvolved: 'yes', peopleAffected: { staff: -1, citizens: 1.5 } }),
      ['body.personalDataInvolved', 'body.peopleAffected.staff', 'body.peopleAffected.citizens'],
    ],
    ['a huge description', () => reportBody({ description: 'x'.repeat(20_001) }), ['body.description']],
    ['an unknown enum value', () => reportBody({ category: 'Ransomware' }), ['body.category']],
    [
      'a naive time',
      () => reportBody({ times: { discoveredAt: '2026-01-01T10:00:00' } }),
      ['body.times.discoveredAt'],
    ],
    [
      'an invalid time',
      () => reportBody({ times: { discoveredAt: '2026-02-30T10:00:00Z' } }),
      ['body.times.discoveredAt'],
    ],
    [
      'a future aware time',
      () => reportBody({ times: { discoveredAt: new Date().toISOString(), awareAt: future } }),
      ['body.times.awareAt'],
    ],
    [
      'a status, reference and severity in the body',
      () => reportBody({ status: 'closed', ref: 'GIRO-1', severity: 'S4' }),
      ['body.status', 'body.ref', 'body.severity'],
    ],
    ['another bureau in a reporter body', () => reportBody({ bureauId: 'OTHER' }), ['body.bureauId']],
    [
      'a bad indicator',
      () =>
        reportBody({
          indicators: [
            { type: 'ip', value: '999.1.1.1' },
            { type: 'hash', value: 'abc' },
          ],
        }),
      ['body.indicators.0.value', 'body.indicators.1.value'],
    ],
    [
      '10,000 indicators',
      () =>
        reportBody({
          indicators: Array.from({ length: 10_000 }, (_, i) => ({
            type: 'ip',
            value: `10.0.${Math.floor(i / 256) % 256}.${i % 256}`,
          })),
        }),
      ['body.indicators'],
    ],
  ];
  for (const [name, body, paths] of cases) {
    it(`when a report has ${name}, then 422 names ${paths.join(', ')} and nothing is stored`, async () => {
      const before = await count();
      const answer = await post(body());
      expect(answer.status, answer.text.slice(0, 500)).to.equal(422);
      expect(answer.body.error.details?.map((d) => d.path)).to.include.members(paths);
      expect(await count()).to.equal(before);
    });
  }

  it('when every field holds a NoSQL operator object, then 422 for each and nothing is stored', async () => {
    const before = await count();
    const poisoned = Object.fromEntries(Object.keys(reportBody()).map((key) => [key, { $gt: '' }]));
    const answer = await post(poisoned);
    expect(answer.status).to.equal(422);
    expect(answer.body.error.details?.length).to.be.at.least(Object.keys(poisoned).length);
    expect(await count()).to.equal(before);
  });

  it('when the body carries __proto__ and constructor keys, then they are refused and nothing is polluted', async () => {
    const before = await count();
    const raw = JSON.stringify(reportBody()).replace(
      /^\{/,
      '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},',
    );
    const answer = await post(undefined, raw);
    expect(answer.status).to.equal(422);
    expect(answer.body.error.details?.map((d) => d.path)).to.include.members([
      'body.__proto__',
      'body.constructor',
    ]);
    expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
    expect(await count()).to.equal(before);
    const healthy = await call(runtime.url, 'GET', '/healthz');
    expect(healthy.status).to.equal(200);
  });

  it('when indicators are spelt differently, then they are stored normalised and deduplicated', async () => {
    const answer = await call<{ indicators: Array<{ type: string; value: string }> }>(
      runtime.url,
      'POST',
      '/api/v1/incidents',
      {
        key: reporter.key,
        body: reportBody({
          indicators: [
            { type: 'ip', value: '2001:DB8:0:0:0:0:0:1' },
            { type: 'ipv6', value: '2001:db8::1' },
            { type: 'ip', value: '::ffff:192.0.2.1' },
            { type: 'domain', value: 'BÜcher.Example.' },
            { type: 'url', value: 'HTTP://Example.COM:80/a?b' },
            { type: 'hash', value: 'D41D8CD98F00B204E9800998ECF8427E' },
            { type: 'email', value: 'Phish@Evil.EXAMPLE' },
          ],
        }),
      },
    );
    expect(answer.status, answer.text).to.equal(201);
    expect(answer.body.indicators).to.deep.equal([
      { type: 'ipv6', value: '2001:db8::1' },
      { type: 'ipv4', value: '192.0.2.1' },
      { type: 'domain', value: 'xn--bcher-kva.example' },
      { type: 'url', value: 'http://example.com/a?b' },
      { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
      { type: 'email', value: 'Phish@evil.example' },
    ]);
  });
});
