import type { EndReason, OpenStream } from './stream.ts';

/**
 * The open event streams of this process, by owner (a patient, or a professional in one
 * pharmacy): at most `maxPerOwner` each. Opening one more ends the oldest with `REPLACED` — a
 * crashed workstation whose half-open stream lingers must not lock out its replacement.
 */
export interface StreamRegistry {
  add(owner: string, stream: OpenStream): void;
  /** Ends every stream (`SHUTDOWN` when the server stops). */
  endAll(reason: EndReason): void;
  count(owner?: string): number;
}

export function createStreamRegistry(maxPerOwner: number): StreamRegistry {
  const byOwner = new Map<string, OpenStream[]>();
  const remove = (owner: string, stream: OpenStream) => {
    const list = byOwner.get(owner);
    if (!list) return;
    const i = list.indexOf(stream);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) byOwner.delete(owner);
  };
  return {
    add(owner, stream) {
      const list = byOwner.get(owner) ?? [];
      byOwner.set(owner, list);
      list.push(stream);
      void stream.closed.then(() => remove(owner, stream));
      while (list.length > maxPerOwner) {
        const oldest = list.shift();
        oldest?.end('REPLACED');
      }
    },
    endAll(reason) {
      for (const list of [...byOwner.values()]) for (const stream of [...list]) stream.end(reason);
    },
    count(owner) {
      if (owner !== undefined) return byOwner.get(owner)?.length ?? 0;
      let n = 0;
      for (const list of byOwner.values()) n += list.length;
      return n;
    },
  };
}
