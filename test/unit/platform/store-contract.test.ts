import { expect } from 'chai';
import { StoreContractError, storeContractBreach } from '../../../src/platform/db/index.js';

describe('the store contract (buildInfo)', () => {
  const cases: { name: string; info: Record<string, unknown>; refused: boolean }[] = [
    { name: 'MongoDB', info: { version: '7.0.12' }, refused: false },
    {
      name: 'the FerretDB built by tools/ferretdb',
      info: {
        version: '7.0.42',
        ferretdbVersion: 'v1.24.0',
        ferretdbFeatures: { govcertAtomicWrites: true },
      },
      refused: false,
    },
    { name: 'stock FerretDB v1', info: { version: '7.0.42', ferretdbVersion: 'v1.24.0' }, refused: true },
    {
      name: 'a FerretDB whose features say no',
      info: { ferretdbVersion: 'v1.24.0', ferretdbFeatures: { govcertAtomicWrites: false } },
      refused: true,
    },
  ];
  for (const { name, info, refused } of cases) {
    it(`when the store is ${name}, then it is ${refused ? 'refused, naming the fix' : 'accepted'}`, () => {
      const breach = storeContractBreach(info);
      if (!refused) {
        expect(breach).to.equal(null);
        return;
      }
      expect(breach).to.be.instanceOf(StoreContractError);
      expect(breach?.message).to.include('MongoDB 6 or later').and.include('tools/ferretdb');
    });
  }
});
