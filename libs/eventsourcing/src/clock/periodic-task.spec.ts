import { describe, expect, it } from '@jest/globals';
import { runPeriodically } from './periodic-task.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runPeriodically', () => {
  it('runs again and again, never two at once, and reports a failed run without stopping', async () => {
    let inFlight = 0;
    let most = 0;
    let runs = 0;
    const errors: unknown[] = [];
    const task = runPeriodically(
      5,
      async () => {
        runs++;
        inFlight++;
        most = Math.max(most, inFlight);
        await pause(12);
        inFlight--;
        if (runs === 2) throw new Error('boom');
      },
      (error) => errors.push(error),
    );
    await pause(120);
    await task.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(most).toBe(1);
    expect(errors).toHaveLength(1);
    expect(inFlight).toBe(0);
  });

  it('waits, when stopped, for the run in progress to finish', async () => {
    let finished = false;
    const task = runPeriodically(
      1,
      async () => {
        await pause(30);
        finished = true;
      },
      () => undefined,
    );
    await pause(10);
    await task.stop();
    expect(finished).toBe(true);
  });
});
