import { expect } from 'chai';
import { clockName } from '../../../src/console/pages/clock-name.js';
import { nextBureauDeadline, type StoredClock } from '../../../src/console/pages/portal-deadlines.js';

const EN = 'Preliminary written report to GIRO-SO';
const ZH = '致 GIRO-SO 的初步書面報告';

describe("a clock's name in the page's language", () => {
  const cases: Array<{
    when: string;
    clock: { name: string; nameZh?: string | null };
    lang: 'en' | 'zh-HK';
    then: string;
  }> = [
    {
      when: 'a zh-HK page and the clock has a Chinese name',
      clock: { name: EN, nameZh: ZH },
      lang: 'zh-HK',
      then: ZH,
    },
    {
      when: 'an English page and the clock has a Chinese name',
      clock: { name: EN, nameZh: ZH },
      lang: 'en',
      then: EN,
    },
    {
      when: 'a zh-HK page and the clock was stored before Chinese names',
      clock: { name: EN },
      lang: 'zh-HK',
      then: EN,
    },
    {
      when: 'a zh-HK page and the Chinese name is empty',
      clock: { name: EN, nameZh: '' },
      lang: 'zh-HK',
      then: EN,
    },
    {
      when: 'a zh-HK page and the Chinese name is null',
      clock: { name: EN, nameZh: null },
      lang: 'zh-HK',
      then: EN,
    },
  ];
  for (const c of cases) {
    it(`when ${c.when}, then it shows "${c.then}"`, () => {
      expect(clockName(c.clock, c.lang)).to.equal(c.then);
    });
  }

  it("when the bureau's next deadline is chosen, then it keeps the Chinese name for the page", () => {
    const dueAt = new Date('2026-03-04T08:30:00Z');
    const clocks: StoredClock[] = [
      {
        key: 'hk-gov.preliminary-report',
        name: EN,
        nameZh: ZH,
        obligation: 'report.giro.preliminary',
        dueAt,
      },
    ];
    const next = nextBureauDeadline(clocks);
    expect(next && clockName(next, 'zh-HK')).to.equal(ZH);
    expect(next && clockName(next, 'en')).to.equal(EN);
  });
});
