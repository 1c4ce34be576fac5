// The rules a cell run is planned by (window, users, weights) are tested in plan.test.ts; runCell
// itself needs a real target (test/docker/).
import t from 'tap';
import { cellBudgetMs } from '../../harness/run/cell.js';
import { planCell } from '../../harness/run/plan.js';
import { testCell } from '../fixtures/cell.js';

t.test("a cell's budget is its planned window plus the bounded steps around it", async t => {
  t.equal(cellBudgetMs(planCell(testCell({ clientAlive: '1/2' })).window, 1), 11_000 + 15_000 + 210_000);
});
