import { expect } from 'chai';
import { mapClaims, type ClaimMapping } from '../../../src/accounts/index.js';

const mapping: ClaimMapping = {
  roleClaim: 'groups',
  roleMap: { 'cert-responders': 'responder', 'cert-leads': 'lead', 'dh-it': 'reporter' },
  bureauClaim: 'bureau',
};
const person = { sub: 's1', email: 'Siu.Ming@Example.gov.hk', email_verified: true, name: 'Wong Siu Ming' };

describe('OIDC claims mapping', () => {
  const cases: Array<[string, Record<string, unknown>, ReturnType<typeof mapClaims>]> = [
    [
      'a CERT group',
      { ...person, groups: ['staff', 'cert-responders'] },
      {
        ok: true,
        email: 'siu.ming@example.gov.hk',
        name: 'Wong Siu Ming',
        role: 'responder',
        bureauId: null,
      },
    ],
    [
      'a bureau group with its bureau',
      { ...person, groups: 'dh-it', bureau: 'dh' },
      { ok: true, email: 'siu.ming@example.gov.hk', name: 'Wong Siu Ming', role: 'reporter', bureauId: 'DH' },
    ],
    ['a bureau group without a bureau', { ...person, groups: ['dh-it'] }, { ok: false, reason: 'no_bureau' }],
    ['no mapped group', { ...person, groups: ['finance'] }, { ok: false, reason: 'no_role' }],
    [
      'two roles',
      { ...person, groups: ['cert-responders', 'cert-leads'] },
      { ok: false, reason: 'ambiguous_role' },
    ],
    ['no email', { sub: 's1', groups: ['cert-leads'] }, { ok: false, reason: 'no_email' }],
    [
      'an unverified email',
      { ...person, email_verified: false, groups: ['cert-leads'] },
      { ok: false, reason: 'email_unverified' },
    ],
    [
      'a prototype key as group',
      { ...person, groups: ['constructor', '__proto__'] },
      { ok: false, reason: 'no_role' },
    ],
  ];
  for (const [what, claims, expected] of cases) {
    it(`when the claims carry ${what}, then they map to ${JSON.stringify(expected)}`, () => {
      expect(mapClaims(claims, mapping)).to.deep.equal(expected);
    });
  }
});
