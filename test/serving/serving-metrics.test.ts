// The Prometheus text formatter: what a scraper parses.
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../src/serving/serving-metrics';

describe('MetricsRegistry', () => {
  it('renders counters and gauges with HELP, TYPE and escaped labels', () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter('requests_total', 'Requests.\nSecond line');
    const bytes = registry.gauge('cache_bytes', 'Bytes.');
    requests.inc({ target: 'a"b\\c', outcome: 'ok' });
    requests.inc({ target: 'a"b\\c', outcome: 'ok' }, 2);
    requests.inc({ target: 'x', outcome: 'error' });
    bytes.set(1024);
    expect(registry.text()).toBe(
      '# HELP requests_total Requests.\\nSecond line\n# TYPE requests_total counter\n' +
        'requests_total{target="a\\"b\\\\c",outcome="ok"} 3\n' +
        'requests_total{target="x",outcome="error"} 1\n' +
        '# HELP cache_bytes Bytes.\n# TYPE cache_bytes gauge\ncache_bytes 1024\n',
    );
  });

  it('renders histograms as cumulative buckets with +Inf, _sum and _count', () => {
    const registry = new MetricsRegistry();
    const sizes = registry.histogram('batch_size', 'Rows per batch.', [1, 4, 16]);
    for (const value of [1, 3, 4, 20]) sizes.observe(value, { target: 't' });
    expect(sizes.count({ target: 't' })).toBe(4);
    expect(registry.text()).toBe(
      '# HELP batch_size Rows per batch.\n# TYPE batch_size histogram\n' +
        'batch_size_bucket{target="t",le="1"} 1\n' +
        'batch_size_bucket{target="t",le="4"} 3\n' +
        'batch_size_bucket{target="t",le="16"} 3\n' +
        'batch_size_bucket{target="t",le="+Inf"} 4\n' +
        'batch_size_sum{target="t"} 28\n' +
        'batch_size_count{target="t"} 4\n',
    );
  });
});
