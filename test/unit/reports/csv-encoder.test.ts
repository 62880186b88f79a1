import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import { stringify } from 'csv-stringify';
import { csvCell, isTextCell } from '../../../src/reports/index.js';
import { csvEncoder } from '../../../src/reports/row-encoders.js';
import type { ReportRow } from '../../../src/reports/report.types.js';

/**
 * The encoder the reports used before, csv-stringify, as the reference: every text cell (strings,
 * dates, JSON, the empty string too) quoted, numbers, booleans and empty cells bare.
 */
function reference(columns: readonly string[]) {
  const cast = (value: unknown) =>
    isTextCell(value) ? { value: csvCell(value), quoted: true, quoted_empty: true } : csvCell(value);
  return stringify({
    header: true,
    bom: true,
    columns: columns.map((key) => ({ key })),
    cast: { string: cast, number: cast, boolean: cast, date: cast, object: cast },
  });
}

async function encode(encoder: NodeJS.ReadWriteStream, rows: readonly ReportRow[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  await pipeline(Readable.from(rows), encoder, sink);
  return Buffer.concat(chunks);
}

describe('reports: the CSV encoder writes what csv-stringify writes', () => {
  const columns = ['seq', 'text', 'flag', 'none', 'missing'];
  const texts = [
    'plain',
    'comma, inside',
    'a "quoted" word',
    'line\nbreak',
    'carriage\rreturn',
    'crlf\r\nend',
    '=HYPERLINK("http://evil.example")',
    '+61 2 1234',
    '-cmd|calc',
    '@SUM(1)',
    '\tTAB first',
    '\rCR first, with comma',
    '',
    ' ',
    '"',
    '""',
    '中文局名稱',
    '{"a":"=1","b":[1,2]}',
    "'already",
    'a;=1+1',
    'x,-y\n@z',
    '2026-01-02T03:04:05.000Z',
    '[1,-2]',
  ];
  const rows: ReportRow[] = texts.map((text, k) => ({
    seq: k % 3 === 0 ? -k : k * 1.5,
    text,
    flag: k % 2 === 0,
    none: null,
  }));
  const cases: Array<[string, ReportRow[]]> = [
    ['no rows', []],
    ['one row', rows.slice(0, 1)],
    ['awkward cells', rows],
    ['thousands of rows (several chunks)', Array.from({ length: 5000 }, (_, k) => rows[k % rows.length])],
  ];
  for (const [name, input] of cases) {
    it(`when encoding ${name}, then the bytes are identical`, async () => {
      const expected = await encode(reference(columns), input);
      expect((await encode(csvEncoder(columns), input)).equals(expected)).to.equal(true);
    });
  }

  it('when a text cell hides a formula behind a semicolon, then it is quoted and neutralised', async () => {
    const row: ReportRow = { seq: 1, text: 'a;=1+1', flag: true, none: null };
    const written = (await encode(csvEncoder(columns), [row])).toString('utf8');
    expect(written).to.equal(`\ufeff"seq","text","flag","none","missing"\n1,"a;'=1+1",true,,\n`);
  });
});
