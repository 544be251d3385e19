/** What the demo-data command and the generated benchmark histories share: same departments, same randomness. */

/** `DAA`, `DAB`, ... : department codes as the e-service registry accepts them. */
export function demoDepartmentCode(n: number): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return `D${letters[Math.floor(n / 26) % 26]}${letters[n % 26]}`;
}

/** A small seeded generator (mulberry32): a demo history is the same at every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Registrations growing linearly day by day: how many citizens exist after `day` (0-based) of `days`. */
export function registeredAfter(day: number, days: number, citizens: number): number {
  return Math.round((citizens * ((day + 1) * (day + 2))) / (days * (days + 1)));
}

/** Picks among `items` with weights falling along the list: a few popular e-services, a long tail. */
export function longTailPicker<T>(
  items: readonly T[],
  random: () => number,
  weight: (rank: number) => number,
): () => T {
  const weights = items.map((_, i) => weight(i));
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let r = random() * total;
    for (let i = 0; i < items.length; i++) if ((r -= weights[i]!) <= 0) return items[i]!;
    return items[items.length - 1]!;
  };
}
