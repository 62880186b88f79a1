import { join } from 'node:path';
import { expect } from 'chai';
import { barChart, OUTCOME_SERIES } from '../../../src/reports/bar-chart.js';
import { humanDuration, ReportHtmlRenderer } from '../../../src/reports/html-report.renderer.js';

const renderer = new ReportHtmlRenderer(join(import.meta.dirname, '../../../templates/reports'));

describe('reports: HTML rendering', () => {
  it('when a cell holds markup, then it is escaped', () => {
    const html = renderer.row({ title: '<img src=x onerror=alert(1)>', outcome: 'breached' }, [
      'title',
      'outcome',
    ]);
    expect(html).to.equal(
      '<tr><td>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</td><td class="breached">breached</td></tr>\n',
    );
  });

  it('when a template field is missing, then rendering fails instead of printing nothing', () => {
    expect(() => renderer.render('section-end', {})).to.throw(/rows/);
  });

  it('when a chart is drawn, then bars are proportional to the largest value and labels are escaped', () => {
    const chart = barChart('By bureau', OUTCOME_SERIES, [
      { label: '<b>A</b>', values: { met: 10, breached: 5, open: 0 } },
      { label: 'B', values: { met: 2, breached: 0, open: 1 } },
    ]);
    const widths = chart.rows.map((row) => row.bars.map((bar) => bar.width));
    expect(widths).to.deep.equal([
      [420, 210, 0],
      [84, 0, 42],
    ]);
    const svg = renderer.render('compliance-figures', { incidents: 2, charts: [chart], overall: [] });
    expect(svg).to.include('<svg').and.include('&lt;b&gt;A&lt;/b&gt;').and.not.include('<b>');
  });

  const durations: Array<[number | null, string]> = [
    [30, '30s'],
    [90, '1m'],
    [3 * 3600 + 5 * 60, '3h 05m'],
    [2 * 86_400 + 4 * 3600, '2d 04h'],
    [null, ''],
  ];
  for (const [seconds, text] of durations) {
    it(`when ${String(seconds)} seconds are shown, then they read ${JSON.stringify(text)}`, () => {
      expect(humanDuration(seconds)).to.equal(text);
    });
  }
});
