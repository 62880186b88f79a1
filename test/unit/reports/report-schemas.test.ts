import { expect } from 'chai';
import { ValidationError } from '../../../src/platform/errors.js';
import { createExportSchema, reportQuery, reportRequestFrom } from '../../../src/reports/report.schemas.js';
import { reportFilename } from '../../../src/reports/report.service.js';

describe('reports: requests', () => {
  it('when no section is given, then the first section of the kind is used', () => {
    const request = reportRequestFrom('compliance', reportQuery.parse({ format: 'csv' }));
    expect(request).to.deep.include({ kind: 'compliance', format: 'csv', section: 'clocks' });
    expect(request.filter.interval).to.equal('month');
  });

  it('when a section of another kind is asked for, then the request is a 422 naming the field', () => {
    expect(() => reportRequestFrom('register', reportQuery.parse({ format: 'csv', section: 'breaches' })))
      .to.throw(ValidationError)
      .with.property('problems')
      .that.deep.equals([{ path: 'query.section', message: 'must be one of incidents for register' }]);
  });

  it('when an export body has an unknown filter or an empty period, then it does not parse', () => {
    expect(
      createExportSchema.safeParse({ kind: 'trail', format: 'ndjson', filter: { $where: '1' } }).success,
    ).to.equal(false);
    const empty = createExportSchema.safeParse({
      kind: 'register',
      format: 'csv',
      filter: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
    });
    expect(empty.error?.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['filter.to']);
  });

  it('when a file is named, then the name is ASCII with the kind, section and a UTC stamp', () => {
    const request = createExportSchema.parse({ kind: 'compliance', format: 'csv', section: 'breaches' });
    expect(reportFilename(request, new Date('2026-03-01T02:03:04.567Z'))).to.equal(
      'govcert-compliance-breaches-20260301T020304Z.csv',
    );
    const trail = createExportSchema.parse({ kind: 'trail', format: 'ndjson' });
    expect(reportFilename(trail, new Date('2026-03-01T02:03:04Z'))).to.equal(
      'govcert-audit-trail-20260301T020304Z.ndjson',
    );
  });
});
