import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  ACK_LIMIT,
  AWARE_BEFORE_MINUTES,
  CONTAIN_LIMIT,
  complianceFixtures,
  FIXTURE_PERIOD,
  GIRO_LIMIT,
  insertFixtures,
  type IncidentFixture,
} from '../../factories/report-fixtures.js';
import { createActor, type TestActor } from '../../helpers/actors.js';
import { call } from '../../helpers/http.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';

type Row = Record<string, string | number | null>;

const hktMonth = (date: Date) => new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
/** Nearest rank, written out here from its definition so the report's own helper is not reused. */
const nearestRank = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1];

/** Expected met / breached / open per clock, bureau, severity and month, straight from the fixtures. */
function expectedCounts(
  fixtures: readonly IncidentFixture[],
): Map<string, { met: number; breached: number; open: number }> {
  const counts = new Map<string, { met: number; breached: number; open: number }>();
  const bump = (clock: string, f: IncidentFixture, outcome: 'met' | 'breached' | 'open') => {
    const key = [clock, f.bureauId, f.severity, hktMonth(f.reportedAt)].join('|');
    const entry = counts.get(key) ?? { met: 0, breached: 0, open: 0 };
    entry[outcome] += 1;
    counts.set(key, entry);
  };
  for (const f of fixtures) {
    bump('hk-gov.acknowledge', f, f.ackMinutes <= ACK_LIMIT[f.severity] ? 'met' : 'breached');
    bump(
      'hk-gov.initial-report',
      f,
      f.giroMinutes !== null && f.giroMinutes <= GIRO_LIMIT ? 'met' : 'breached',
    );
    const containFromReport = f.containMinutes === null ? null : f.containMinutes - AWARE_BEFORE_MINUTES;
    // Not contained: the clock is overdue (the fixtures are in 2025), which counts as breached.
    bump(
      'hk-gov.contain',
      f,
      containFromReport !== null && containFromReport <= CONTAIN_LIMIT[f.severity] ? 'met' : 'breached',
    );
  }
  return counts;
}

function ndjson(text: string): Row[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Row);
}

describe('reports: figures against fixtures with known outcomes', function () {
  this.timeout(60_000);
  let runtime: TestRuntime;
  let auditor: TestActor;
  let dataDir: string;
  const fixtures = complianceFixtures(24);
  const period = `from=${FIXTURE_PERIOD.from}&to=${FIXTURE_PERIOD.to}`;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'reports-'));
    runtime = await startTestRuntime('reports', { DATA_DIR: dataDir });
    auditor = await createActor(runtime, { role: 'auditor' });
    await insertFixtures(runtime.modules.intake.repository, runtime.platform.db, fixtures);
  });
  after(async () => {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the clocks section is asked for, then met / breached / open match the fixtures per bureau, severity and month', async () => {
    const answer = await call(
      runtime.url,
      'GET',
      `/api/v1/reports/compliance?format=ndjson&section=clocks&${period}`,
      { key: auditor.key },
    );
    expect(answer.status).to.equal(200);
    const actual = new Map(
      ndjson(answer.text).map((r) => [
        [r.clockKey, r.bureauId, r.severity, r.period].join('|'),
        { met: r.met, breached: r.breached, open: r.open },
      ]),
    );
    expect(Object.fromEntries(actual)).to.deep.equal(Object.fromEntries(expectedCounts(fixtures)));
  });

  it('when the durations section is asked for, then the overall median and p90 are those of the fixture minutes', async () => {
    const answer = await call(
      runtime.url,
      'GET',
      `/api/v1/reports/compliance?format=ndjson&section=durations&${period}`,
      { key: auditor.key },
    );
    const overall = Object.fromEntries<Row>(
      ndjson(answer.text)
        .filter((r) => r.bureauId === '*')
        .map((r) => [String(r.measure), r]),
    );
    const samples = {
      acknowledge: fixtures.map((f) => f.ackMinutes * 60),
      contain: fixtures.flatMap((f) => (f.containMinutes === null ? [] : [f.containMinutes * 60])),
      resolve: fixtures.flatMap((f) => (f.resolveMinutes === null ? [] : [f.resolveMinutes * 60])),
    };
    for (const [measure, values] of Object.entries(samples)) {
      expect(overall[measure], measure).to.include({
        count: values.length,
        medianSeconds: nearestRank(values, 50),
        p90Seconds: nearestRank(values, 90),
      });
    }
  });

  it('when breaches are exported as CSV, then each breached clock is a row with its escalation', async () => {
    const answer = await call(
      runtime.url,
      'GET',
      `/api/v1/reports/compliance?format=csv&section=breaches&${period}`,
      { key: auditor.key },
    );
    expect(answer.headers.get('content-disposition')).to.match(
      /^attachment; filename="?govcert-compliance-breaches-\d{8}T\d{6}Z\.csv"?$/,
    );
    const lines = answer.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    const expected = [...expectedCounts(fixtures).values()].reduce((sum, c) => sum + c.breached, 0);
    expect(lines.length - 1).to.equal(expected);
    expect(lines.slice(1).every((line) => line.includes('.breach@') && line.includes('→cert-lead'))).to.equal(
      true,
    );
  });

  it('when GIRO reports are checked, then on time, late and missed follow the recorded minutes', async () => {
    const answer = await call(
      runtime.url,
      'GET',
      `/api/v1/reports/notifications?format=ndjson&section=reports&${period}`,
      { key: auditor.key },
    );
    const rows = ndjson(answer.text);
    const giro = rows.filter((r) => r.party === 'giro');
    expect(giro.map((r) => r.outcome)).to.deep.equal(
      fixtures.map((f) =>
        f.giroMinutes === null ? 'missed' : f.giroMinutes <= GIRO_LIMIT ? 'on_time' : 'late',
      ),
    );
    expect(rows.filter((r) => r.party === 'police')).to.have.length(
      fixtures.filter((f) => f.policeMinutes !== null).length,
    );
    const advisories = await call(
      runtime.url,
      'GET',
      `/api/v1/reports/notifications?format=ndjson&section=advisories`,
      { key: auditor.key },
    );
    expect(advisories.status).to.equal(200);
    expect(advisories.text).to.equal('');
  });

  it("when the register is filtered by bureau, then it lists exactly that bureau's incidents with neutralised cells", async () => {
    const answer = await call(
      runtime.url,
      'GET',
      `/api/v1/reports/register?format=csv&bureauId=RPTA&${period}`,
      { key: auditor.key },
    );
    const body = answer.text.replace(/^\uFEFF/, '');
    const lines = body.trim().split('\n');
    expect(lines[0]).to.match(/^"ref","bureauId","category","title","severity","status"/);
    expect(lines.length - 1).to.equal(fixtures.filter((f) => f.bureauId === 'RPTA').length);
    expect(body).to.include(`"'=HYPERLINK(""http://evil.example"") <script>alert(1)</script>"`);
  });

  it('when the compliance report is rendered as HTML, then it is self-contained with SVG charts and escaped data', async () => {
    const answer = await call(
      runtime.url,
      'GET',
      `/api/v1/reports/compliance?format=html&${period}&interval=quarter`,
      { key: auditor.key },
    );
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^text\/html/);
    expect(answer.headers.get('content-disposition')).to.match(
      /^attachment; filename="?govcert-compliance-\d{8}T\d{6}Z\.html"?$/,
    );
    expect(answer.text).to.include('<svg').and.include('Clocks by bureau').and.include('2025-Q1');
    expect(answer.text).not.to.match(/<(script|link|img)\b|src=|url\(/i);
    const register = await call(runtime.url, 'GET', `/api/v1/reports/register?format=html&${period}`, {
      key: auditor.key,
    });
    expect(register.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt;').and.not.include('<script>');
  });

  it('when a responder or a reporter asks for a report, then it is refused', async () => {
    for (const role of ['responder', 'reporter'] as const) {
      const other = await createActor(runtime, { role });
      const answer = await call(runtime.url, 'GET', '/api/v1/reports/register?format=csv', {
        key: other.key,
      });
      expect(answer.status, role).to.equal(403);
    }
  });

  it('when an admin (no incident.read) asks for a report on incidents, then it is refused; the audit trail it may export', async () => {
    const admin = await createActor(runtime, { role: 'admin' });
    for (const kind of ['register', 'compliance', 'notifications'] as const) {
      const direct = await call(runtime.url, 'GET', `/api/v1/reports/${kind}?format=csv`, { key: admin.key });
      expect(direct.status, kind).to.equal(403);
      const queued = await call(runtime.url, 'POST', '/api/v1/exports', {
        key: admin.key,
        body: { kind, format: 'ndjson' },
      });
      expect(queued.status, kind).to.equal(403);
    }
    const trail = await call(runtime.url, 'GET', '/api/v1/reports/trail?format=ndjson', { key: admin.key });
    expect(trail.status).to.equal(200);
  });

  it('when a section of another kind or an empty period is asked for, then the request is refused with 422', async () => {
    const wrong = await call(runtime.url, 'GET', '/api/v1/reports/register?format=csv&section=breaches', {
      key: auditor.key,
    });
    expect(wrong.status).to.equal(422);
    const empty = await call(
      runtime.url,
      'GET',
      `/api/v1/reports/register?format=csv&from=${FIXTURE_PERIOD.to}&to=${FIXTURE_PERIOD.from}`,
      { key: auditor.key },
    );
    expect(empty.status).to.equal(422);
  });
});
