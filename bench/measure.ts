/** Runs `operation` `count` times with at most `concurrency` in flight; returns operations per second. */
export async function throughput(
  count: number,
  concurrency: number,
  operation: (i: number, worker: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = next++; i < count; i = next++) await operation(i, worker);
    }),
  );
  return Math.round(count / (Number(process.hrtime.bigint() - started) / 1e9));
}

export async function timed(work: () => Promise<number>): Promise<number> {
  const started = process.hrtime.bigint();
  const count = await work();
  return Math.round(count / (Number(process.hrtime.bigint() - started) / 1e9));
}
