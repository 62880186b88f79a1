import { expect } from 'chai';
import type { TlpLevel } from '../../../src/advisories/advisory.types.js';
import {
  type DistributionRecipient,
  type RecipientCircle,
  checkDistribution,
  parsePap,
  parseTlp,
  tlpLabel,
} from '../../../src/advisories/tlp.js';

const SENDER = 'GovCERT.HK';
const TARGET = 'Transport Bureau';

const recipient = (
  kind: DistributionRecipient['kind'],
  circle: RecipientCircle,
  organisation = TARGET,
): DistributionRecipient => ({ address: `${kind}-${circle}@example.gov.hk`, kind, organisation, circle });

const CIRCLES: RecipientCircle[] = ['internal', 'constituent', 'partner', 'community', 'public'];

/** Expected outcome for every level × kind × circle, recipients in the target organisation. */
const TABLE: Record<TlpLevel, Record<DistributionRecipient['kind'], RecipientCircle[]>> = {
  CLEAR: { individual: CIRCLES, list: CIRCLES },
  GREEN: {
    individual: ['internal', 'constituent', 'partner', 'community'],
    list: ['internal', 'constituent', 'partner', 'community'],
  },
  AMBER: { individual: ['internal', 'constituent', 'partner'], list: ['internal', 'constituent', 'partner'] },
  'AMBER+STRICT': {
    individual: ['internal', 'constituent', 'partner'],
    list: ['internal', 'constituent', 'partner'],
  },
  RED: { individual: ['internal', 'constituent', 'partner'], list: [] },
};

describe('checkDistribution', () => {
  for (const [tlp, byKind] of Object.entries(TABLE) as [TlpLevel, (typeof TABLE)[TlpLevel]][]) {
    for (const [kind, allowedCircles] of Object.entries(byKind) as [
      DistributionRecipient['kind'],
      RecipientCircle[],
    ][]) {
      for (const circle of CIRCLES) {
        const allowed = allowedCircles.includes(circle);
        it(`when ${tlpLabel(tlp)} goes to a ${circle} ${kind}, then it is ${allowed ? 'allowed' : 'refused'}`, () => {
          const r = recipient(kind, circle);
          const result = checkDistribution(tlp, [r], SENDER, { targetOrganisation: TARGET });
          expect(result.allowed).to.equal(allowed);
          if (!result.allowed) {
            expect(result.reasons).to.have.length(1);
            expect(result.reasons[0]?.recipient).to.equal(r);
            expect(result.reasons[0]?.reason).to.include(tlpLabel(tlp));
          }
        });
      }
    }
  }

  it('when TLP:RED goes to a list, then the reason says lists are refused', () => {
    const result = checkDistribution('RED', [recipient('list', 'internal')], SENDER);
    expect(result).to.deep.include({ allowed: false });
    if (!result.allowed) expect(result.reasons[0]?.reason).to.match(/never to a list/);
  });

  it('when TLP:AMBER+STRICT goes to another organisation, then that recipient is refused', () => {
    const other = recipient('individual', 'constituent', 'Security Bureau');
    const result = checkDistribution('AMBER+STRICT', [recipient('individual', 'internal'), other], SENDER, {
      targetOrganisation: TARGET,
    });
    expect(result.allowed).to.equal(false);
    if (!result.allowed) {
      expect(result.reasons.map((r) => r.recipient)).to.deep.equal([other]);
      expect(result.reasons[0]?.reason).to.include('Security Bureau');
    }
  });

  it('when TLP:AMBER+STRICT names the organisation in another case, then it still matches', () => {
    const r = recipient('list', 'constituent', ' transport bureau ');
    expect(checkDistribution('AMBER+STRICT', [r], SENDER, { targetOrganisation: TARGET })).to.deep.equal({
      allowed: true,
    });
  });

  it("when TLP:AMBER+STRICT copies the CERT's own named staff, then they are allowed but its lists are not", () => {
    const staff = recipient('individual', 'internal', SENDER);
    const list = recipient('list', 'internal', SENDER);
    const result = checkDistribution('AMBER+STRICT', [staff, list], SENDER, { targetOrganisation: TARGET });
    expect(result.allowed).to.equal(false);
    if (!result.allowed) expect(result.reasons.map((r) => r.recipient)).to.deep.equal([list]);
  });

  it('when TLP:AMBER+STRICT names no organisation, then it stays inside the sender', () => {
    const result = checkDistribution('AMBER+STRICT', [recipient('individual', 'constituent')], SENDER);
    expect(result.allowed).to.equal(false);
    const inside = recipient('list', 'internal', SENDER);
    expect(checkDistribution('AMBER+STRICT', [inside], SENDER)).to.deep.equal({ allowed: true });
  });

  it('when several recipients are refused, then every one is reported', () => {
    const rs = [
      recipient('list', 'internal'),
      recipient('individual', 'public'),
      recipient('individual', 'partner'),
    ];
    const result = checkDistribution('RED', rs, SENDER);
    expect(result.allowed).to.equal(false);
    if (!result.allowed) expect(result.reasons).to.have.length(2);
  });
});

describe('TLP and PAP labels', () => {
  it('when labels are parsed, then case and prefix do not matter', () => {
    expect(parseTlp('tlp:amber+strict')).to.equal('AMBER+STRICT');
    expect(parseTlp(' clear ')).to.equal('CLEAR');
    expect(parseTlp('WHITE')).to.equal(undefined);
    expect(parsePap('PAP:green')).to.equal('GREEN');
    expect(parsePap('AMBER+STRICT')).to.equal(undefined);
  });
});
