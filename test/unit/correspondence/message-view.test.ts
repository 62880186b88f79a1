import { expect } from 'chai';
import type { Actor } from '../../../src/auth/index.js';
import {
  MESSAGE_BODY_MAX,
  messageBody,
  sideOf,
  toMessageView,
  type IncidentMessage,
} from '../../../src/correspondence/index.js';

const actor = (role: Actor['role'], bureauId: string | null = null): Actor => ({
  userId: `u-${role}`,
  keyId: null,
  role,
  bureauId,
  name: `A ${role}`,
});

const message = (side: 'bureau' | 'cert'): IncidentMessage => ({
  id: 'a'.repeat(24),
  incidentId: 'b'.repeat(24),
  bureauId: 'DH',
  author: {
    userId: 'u1',
    name: side === 'cert' ? 'Responder Lee' : 'Ms Chan',
    role: side === 'cert' ? 'responder' : 'reporter',
    side,
  },
  body: 'Hello',
  createdAt: new Date('2026-12-02T01:00:00Z'),
});

describe('correspondence: who writes and who sees whom', () => {
  const sides: Array<[Actor['role'], 'bureau' | 'cert' | null]> = [
    ['reporter', 'bureau'],
    ['responder', 'cert'],
    ['lead', 'cert'],
    ['auditor', null],
    ['admin', null],
    ['system', null],
  ];
  for (const [role, side] of sides) {
    it(`when a ${role} writes, then the side is ${String(side)}`, () => {
      expect(sideOf(actor(role, role === 'reporter' ? 'DH' : null))).to.equal(side);
    });
  }

  it("when a bureau reads the CERT's message, then the author is left out; the CERT sees it, and everyone sees the bureau's authors", () => {
    expect(toMessageView(message('cert'), actor('reporter', 'DH')).author).to.equal(null);
    expect(toMessageView(message('cert'), actor('auditor')).author).to.deep.equal({
      name: 'Responder Lee',
      role: 'responder',
    });
    expect(toMessageView(message('bureau'), actor('reporter', 'DH')).author?.name).to.equal('Ms Chan');
  });

  const bodies: Array<[string, string | null]> = [
    ['  hello  ', 'hello'],
    ['line one\r\nline two\rthree', 'line one\nline two\nthree'],
    ['tab\tand bell\u0007 kept apart', 'tab\tand bell kept apart'],
    ['   ', null],
    ['\u0000\u0001', null],
    ['x'.repeat(MESSAGE_BODY_MAX), 'x'.repeat(MESSAGE_BODY_MAX)],
    ['x'.repeat(MESSAGE_BODY_MAX + 1), null],
  ];
  for (const [input, expected] of bodies) {
    it(`when the body is ${JSON.stringify(input.slice(0, 30))}, then it is ${expected === null ? 'refused' : 'stored as plain text'}`, () => {
      const parsed = messageBody.safeParse(input);
      expect(parsed.success ? parsed.data : null).to.equal(expected);
    });
  }
});
