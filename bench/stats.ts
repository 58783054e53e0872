/** Percentiles of latency samples, in microseconds. */
export function percentile(sortedMicros: Float64Array, p: number): number {
  if (sortedMicros.length === 0) return Number.NaN;
  const index = Math.min(sortedMicros.length - 1, Math.ceil((p / 100) * sortedMicros.length) - 1);
  return sortedMicros[Math.max(0, index)] as number;
}

/** Times `run` once per input after `warmup` untimed calls; returns p50/p99 in µs. */
export async function latency<T>(inputs: readonly T[], run: (input: T) => unknown, warmup = 500) {
  for (let i = 0; i < Math.min(warmup, inputs.length); i++) await run(inputs[i] as T);
  const samples = new Float64Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const t0 = performance.now();
    await run(inputs[i] as T);
    samples[i] = (performance.now() - t0) * 1000;
  }
  samples.sort();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}
