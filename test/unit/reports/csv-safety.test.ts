import { expect } from 'chai';
import { csvCell, isTextCell, neutraliseCell } from '../../../src/reports/index.js';

describe('reports: CSV cells cannot become spreadsheet formulas', () => {
  const cases: Array<[string, string]> = [
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+61 2 1234', "'+61 2 1234"],
    ['-cmd|calc', "'-cmd|calc"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tTAB first', "'\tTAB first"],
    ['\rCR first', "'\rCR first"],
    ['plain text', 'plain text'],
    ['a=b', 'a=b'],
    ['', ''],
    ["'already quoted", "'already quoted"],
    ['a;=1+1', "a;'=1+1"],
    ['a,+1', "a,'+1"],
    ['a\t@SUM(1)', "a\t'@SUM(1)"],
    ['first\n-2+3', "first\n'-2+3"],
    ['first\r=1', "first\r'=1"],
    [';\t=1', ";'\t'=1"],
    ['a; =1', 'a; =1'],
    ['a-b;c', 'a-b;c'],
  ];
  for (const [input, expected] of cases) {
    it(`when a cell is ${JSON.stringify(input)}, then it is written ${JSON.stringify(expected)}`, () => {
      expect(neutraliseCell(input)).to.equal(expected);
      expect(csvCell(input)).to.equal(expected);
    });
  }

  it('when a value is a number, boolean, null, date or object, then it is written as data', () => {
    expect(csvCell(-5)).to.equal('-5');
    expect(csvCell(true)).to.equal('true');
    expect(csvCell(null)).to.equal('');
    expect(csvCell(new Date('2026-01-02T03:04:05.000Z'))).to.equal('2026-01-02T03:04:05.000Z');
    expect(csvCell({ a: '=1' })).to.equal('{"a":"=1"}');
    expect(csvCell(['=1'])).to.equal('["=1"]');
    expect(csvCell([1, -2])).to.equal("[1,'-2]");
  });

  it('when a value is text, a date or JSON, then it is a quoted cell; numbers, booleans and null are not', () => {
    expect(['text', '', new Date(0), { a: 1 }, -5, false, null, undefined].map(isTextCell)).to.deep.equal([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
