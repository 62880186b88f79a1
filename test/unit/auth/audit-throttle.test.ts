import { expect } from 'chai';
import { AuditThrottle } from '../../../src/auth/audit-throttle.js';

function throttleAt(
  windowMs = 60_000,
  maxSources = 100,
): { throttle: AuditThrottle; advance: (ms: number) => void } {
  let now = 1_000_000;
  const throttle = new AuditThrottle(windowMs, maxSources, () => now);
  return {
    throttle,
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('AuditThrottle', () => {
  it('when a source fails repeatedly within a window, then only the first attempt is recorded', () => {
    const { throttle } = throttleAt();
    const outcomes = Array.from({ length: 10 }, () => throttle.admit('ip:10.0.0.1'));
    expect(outcomes[0]).to.deep.equal({ suppressed: 0 });
    expect(outcomes.slice(1).every((outcome) => outcome === null)).to.equal(true);
  });

  it('when the window has passed, then the next attempt is recorded with the suppressed count', () => {
    const { throttle, advance } = throttleAt();
    for (let i = 0; i < 6; i += 1) throttle.admit('key:abc');
    advance(60_000);
    expect(throttle.admit('key:abc')).to.deep.equal({ suppressed: 5 });
  });

  it('when sources differ, then each gets its own window', () => {
    const { throttle } = throttleAt();
    expect(throttle.admit('a')).to.deep.equal({ suppressed: 0 });
    expect(throttle.admit('b')).to.deep.equal({ suppressed: 0 });
    expect(throttle.admit('a')).to.equal(null);
  });

  it('when drained, then closed windows with suppressed attempts are handed out once', () => {
    const { throttle, advance } = throttleAt();
    throttle.admit('quiet');
    for (let i = 0; i < 4; i += 1) throttle.admit('noisy');
    expect(throttle.drain()).to.deep.equal([]); // windows still open
    advance(60_000);
    const drained = throttle.drain();
    expect(drained.map(({ source, suppressed }) => ({ source, suppressed }))).to.deep.equal([
      { source: 'noisy', suppressed: 3 },
    ]);
    expect(throttle.size).to.equal(0);
    expect(throttle.drain()).to.deep.equal([]);
  });

  it('when drained at shutdown, then open windows are included', () => {
    const { throttle } = throttleAt();
    throttle.admit('x');
    throttle.admit('x');
    expect(throttle.drain(true).map((s) => s.suppressed)).to.deep.equal([1]);
  });

  it('when more sources than the bound appear, then memory stays bounded by dropping the oldest', () => {
    const { throttle } = throttleAt(60_000, 100);
    for (let i = 0; i < 1000; i += 1) throttle.admit(`ip:${i}`);
    expect(throttle.size).to.equal(100);
    expect(throttle.admit('ip:999')).to.equal(null); // the newest is still remembered
  });
});
