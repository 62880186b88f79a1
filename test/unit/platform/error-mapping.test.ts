import { expect } from 'chai';
import { mongoose } from '../../../src/platform/db/index.js';
import { toAppError } from '../../../src/platform/http/index.js';
import { NotFoundError } from '../../../src/platform/index.js';

/** The one mapping from anything thrown to the error family, shared by the API and the console pages. */
describe('errors become answers in one place', () => {
  it('when the store is out of reach, then it is a 503 with Retry-After, not a 500', () => {
    const mapped = toAppError(new mongoose.mongo.MongoNetworkError('read ECONNRESET'));
    expect([mapped.status, mapped.code]).to.deep.equal([503, 'service_unavailable']);
    expect(mapped.headers['Retry-After']).to.equal('5');
  });

  it('when a unique index refuses a write nobody expected, then it is a 409', () => {
    const duplicate = new mongoose.mongo.MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
    expect([toAppError(duplicate).status, toAppError(duplicate).code]).to.deep.equal([409, 'duplicate']);
  });

  it('when the error is already one of ours, then it is kept; anything else is a 500 keeping its cause', () => {
    const ours = new NotFoundError('Incident');
    expect(toAppError(ours)).to.equal(ours);
    const unknown = new Error('boom');
    const mapped = toAppError(unknown);
    expect([mapped.status, mapped.code, mapped.cause]).to.deep.equal([500, 'internal_error', unknown]);
  });
});
