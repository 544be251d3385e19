/** Seconds: from a cached read (1 ms) to a slow login (5 s). */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

type Labels = Readonly<Record<string, string>>;

interface Series {
  readonly labels: Labels;
  readonly buckets: number[];
  count: number;
  sum: number;
}

/** A Prometheus histogram (cumulative `le` buckets, `_sum`, `_count`) per label set, in text exposition format. */
export class Histogram {
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly bounds: readonly number[] = LATENCY_BUCKETS,
  ) {}

  observe(seconds: number, labels: Labels = {}): void {
    const key = JSON.stringify(labels);
    let series = this.series.get(key);
    if (!series) {
      series = { labels, buckets: this.bounds.map(() => 0), count: 0, sum: 0 };
      this.series.set(key, series);
    }
    for (let i = 0; i < this.bounds.length; i++) if (seconds <= this.bounds[i]!) series.buckets[i]!++;
    series.count++;
    series.sum += seconds;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, buckets, count, sum } of this.series.values()) {
      this.bounds.forEach((bound, i) =>
        lines.push(`${this.name}_bucket${labelText({ ...labels, le: String(bound) })} ${buckets[i]}`),
      );
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${sum}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
    return lines.join('\n');
  }
}

export function gauge(name: string, help: string, values: readonly [Labels, number][]): string {
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} gauge`,
    ...values.map(([labels, value]) => `${name}${labelText(labels)} ${value}`),
  ].join('\n');
}

export function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const escaped = entries.map(
    ([k, v]) => `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`,
  );
  return `{${escaped.join(',')}}`;
}
