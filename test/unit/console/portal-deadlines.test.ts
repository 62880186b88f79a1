import { expect } from 'chai';
import { nextBureauDeadline, type StoredClock } from '../../../src/console/pages/portal-deadlines.js';

const due = (hours: number) => new Date(Date.UTC(2026, 2, 2, hours));
const clock = (name: string, state: string, hours: number, metAt: Date | null = null) =>
  ({ key: name, name, obligation: `report.${name}`, state, dueAt: due(hours), metAt }) as StoredClock;

describe("the bureau's next deadline", () => {
  it('when a report was made late (breached with metAt), then it is no longer the next deadline', () => {
    const clocks = [clock('initial', 'breached', 1, due(2)), clock('preliminary', 'running', 48)];
    expect(nextBureauDeadline(clocks)?.name).to.equal('preliminary');
  });

  it('when a report is overdue and not made, then it is the next deadline', () => {
    const clocks = [clock('initial', 'breached', 1), clock('preliminary', 'running', 48)];
    expect(nextBureauDeadline(clocks)?.name).to.equal('initial');
  });
});
