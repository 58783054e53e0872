import runTask, { type WorkerTask } from '../worker-thread.ts';

/**
 * Tests only: the worker thread's task runner (src/attachments/worker-thread.ts), except that a
 * PDF holding the comment `%CRASH` ends the thread and one holding `%HANG` blocks it for good.
 */
export default function faultyTask(task: WorkerTask): Promise<unknown> {
  if (task.op === 'pdf') {
    const text = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength).toString(
      'latin1',
    );
    if (text.includes('%CRASH')) process.exit(70);
    if (text.includes('%HANG')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
  return runTask(task);
}
