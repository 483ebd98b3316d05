// A small Prometheus text-format (0.0.4) registry: counters, gauges and histograms with labels, nothing else.

type Labels = Record<string, string>;

const escapeLabel = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** One series per distinct label set, in the order first seen (stable output for scrapers and tests). */
class Series<T> {
  private readonly byKey = new Map<string, { labels: Labels; value: T }>();

  constructor(private readonly initial: () => T) {}

  get(labels: Labels): T {
    const key = JSON.stringify(labels);
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = { labels, value: this.initial() };
      this.byKey.set(key, entry);
    }
    return entry.value;
  }

  entries(): { labels: Labels; value: T }[] {
    return [...this.byKey.values()];
  }
}

interface Metric {
  text(): string;
}

const header = (name: string, help: string, type: string): string => `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;

export class Counter implements Metric {
  private readonly series = new Series(() => ({ total: 0 }));

  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    this.series.get(labels).total += by;
  }

  value(labels: Labels = {}): number {
    return this.series.get(labels).total;
  }

  text(): string {
    const lines = this.series.entries().map(({ labels, value }) => `${this.name}${formatLabels(labels)} ${formatNumber(value.total)}\n`);
    return header(this.name, this.help, 'counter') + lines.join('');
  }
}

export class Gauge implements Metric {
  private readonly series = new Series(() => ({ current: 0 }));

  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}

  set(value: number, labels: Labels = {}): void {
    this.series.get(labels).current = value;
  }

  text(): string {
    const lines = this.series.entries().map(({ labels, value }) => `${this.name}${formatLabels(labels)} ${formatNumber(value.current)}\n`);
    return header(this.name, this.help, 'gauge') + lines.join('');
  }
}

export class Histogram implements Metric {
  private readonly series: Series<{ counts: number[]; sum: number; count: number }>;

  /** `buckets`: the upper bounds, ascending; +Inf is added. */
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly buckets: readonly number[],
  ) {
    this.series = new Series(() => ({ counts: buckets.map(() => 0), sum: 0, count: 0 }));
  }

  observe(value: number, labels: Labels = {}): void {
    const entry = this.series.get(labels);
    // Cumulative counts are summed at render time: one bucket incremented per observation.
    const bucket = this.buckets.findIndex((bound) => value <= bound);
    if (bucket >= 0) entry.counts[bucket]!++;
    entry.sum += value;
    entry.count++;
  }

  /** How many values were observed with these labels. */
  count(labels: Labels = {}): number {
    return this.series.get(labels).count;
  }

  text(): string {
    const lines: string[] = [];
    for (const { labels, value } of this.series.entries()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += value.counts[i]!;
        lines.push(`${this.name}_bucket${formatLabels({ ...labels, le: formatNumber(bound) })} ${cumulative}\n`);
      });
      lines.push(`${this.name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${value.count}\n`);
      lines.push(`${this.name}_sum${formatLabels(labels)} ${formatNumber(value.sum)}\n`);
      lines.push(`${this.name}_count${formatLabels(labels)} ${value.count}\n`);
    }
    return header(this.name, this.help, 'histogram') + lines.join('');
  }
}

/** The metrics of one process, rendered in registration order. */
export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  gauge(name: string, help: string): Gauge {
    return this.add(new Gauge(name, help));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }

  /** The text exposition format, version 0.0.4. */
  text(): string {
    return this.metrics.map((metric) => metric.text()).join('');
  }

  private add<T extends Metric>(metric: T): T {
    this.metrics.push(metric);
    return metric;
  }
}
