import { threadId } from 'node:worker_threads';
import runTask, { type WorkerMessage } from '../worker-thread.ts';

/**
 * Tests only: the worker thread's task runner (src/attachments/worker-thread.ts), except that a
 * PDF holding the comment `%CRASH` ends the thread, one holding `%HANG` blocks it for good once
 * started, one holding `%HEAP` fills the JavaScript heap, and one holding `%KEEP` keeps 300 MiB
 * of buffers in the thread after its task.
 */
const kept: Buffer[] = [];

export default function faultyTask(message: WorkerMessage): Promise<unknown> {
  const { task } = message;
  if (task.op === 'pdf') {
    const text = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength).toString(
      'latin1',
    );
    if (text.includes('%CRASH')) process.exit(70);
    if (text.includes('%HANG')) {
      message.started.postMessage(threadId);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
    if (text.includes('%HEAP')) {
      const heap: number[][] = [];
      for (;;) heap.push(Array.from({ length: 100_000 }, (_, i) => i + heap.length));
    }
    if (text.includes('%KEEP')) kept.push(Buffer.alloc(300 * 1024 * 1024, 1));
  }
  return runTask(message);
}
