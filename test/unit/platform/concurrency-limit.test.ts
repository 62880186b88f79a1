import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyLimit } from '../../../src/platform/http/concurrency.js';
import { ServiceUnavailableError } from '../../../src/platform/errors.js';

describe('a concurrency limit', () => {
  it('when all slots are taken, then the next request is refused with 503 until one is given back', () => {
    const limit = new ConcurrencyLimit('reports', 1, 1);
    const release = limit.acquire();
    expect(() => limit.acquire()).to.throw(ServiceUnavailableError);
    release();
    release(); // twice is harmless
    expect(limit.inUse).to.equal(0);
    limit.acquire();
    expect(limit.inUse).to.equal(1);
  });

  it('when a request hangs past the hold limit, then its slot is given back without it', async () => {
    const limit = new ConcurrencyLimit('reports', 1, 1, 0);
    const release = limit.acquire(); // never called by the hung request
    await sleep(5);
    expect(limit.inUse).to.equal(0);
    expect(() => limit.acquire()).to.not.throw();
    release(); // the request ending late gives back nothing twice
    expect(limit.inUse).to.equal(1);
  });
});
