/** Percentiles of latency samples, in microseconds. */
export function percentile(sortedMicros: Float64Array, p: number): number {
  if (sortedMicros.length === 0) return Number.NaN;
  const index = Math.min(sortedMicros.length - 1, Math.ceil((p / 100) * sortedMicros.length) - 1);
  return sortedMicros[Math.max(0, index)] as number;
}

export interface Latency {
  p50: number;
  p99: number;
}

function summarise(samples: Float64Array): Latency {
  samples.sort();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function time(run: () => unknown): Promise<number> {
  const t0 = performance.now();
  await run();
  return (performance.now() - t0) * 1000;
}

/**
 * Times two operations on the same inputs, interleaved: for each input both run, one after the
 * other, the first one alternating. Whatever else happens on the machine meanwhile (autovacuum,
 * garbage collection, another process on a shared core) falls on both alike, and neither one
 * always finds the pages the other just read. Returns p50/p99 in µs for each.
 */
export async function pairedLatency<T>(
  inputs: readonly T[],
  a: (input: T) => unknown,
  b: (input: T) => unknown,
  warmup = 500,
): Promise<{ a: Latency; b: Latency }> {
  for (let i = 0; i < Math.min(warmup, inputs.length); i++) {
    await a(inputs[i] as T);
    await b(inputs[i] as T);
  }
  const as = new Float64Array(inputs.length);
  const bs = new Float64Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i] as T;
    if (i % 2 === 0) {
      as[i] = await time(() => a(input));
      bs[i] = await time(() => b(input));
    } else {
      bs[i] = await time(() => b(input));
      as[i] = await time(() => a(input));
    }
  }
  return { a: summarise(as), b: summarise(bs) };
}
