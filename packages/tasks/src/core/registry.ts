import { ArgumentError, FormatError } from '@unroll/tensor';
import { checkpointType } from './envelope.js';

/** How the CLI's `info`, `sample` and `eval` reach a task from its checkpoint. */
export interface TaskEntry<M = unknown> {
  /** Builds the trained model (and whatever it needs: vocabulary...) from checkpoint bytes. */
  load: (bytes: Uint8Array) => M;
  /** A plain summary of a checkpoint (config, steps, sizes) for `unroll info`. */
  describe: (bytes: Uint8Array) => Record<string, unknown>;
}

const tasks = new Map<string, TaskEntry>();

/**
 * Registers a task under the name its checkpoints carry as `type` (explicitly, by the app: no
 * registration happens on import). Registering a name again replaces the entry.
 *
 * @example
 * ```ts
 * import { charlmTask, registerTask, taskFor } from '@unroll/tasks';
 * registerTask('charlm', charlmTask);
 * console.log(taskFor(bytes).entry.describe(bytes));
 * ```
 */
export function registerTask<M>(name: string, entry: TaskEntry<M>): void {
  if (typeof name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(name)) throw new ArgumentError(`registerTask: name must be lower-case letters, digits and '-', got ${JSON.stringify(name)}`);
  if (typeof entry?.load !== 'function' || typeof entry.describe !== 'function') throw new ArgumentError(`registerTask: '${name}' needs load and describe functions`);
  tasks.set(name, entry as TaskEntry);
}

/** The registered task names, sorted. @example `taskNames() // ['charlm']` */
export function taskNames(): string[] {
  return [...tasks.keys()].sort();
}

/** The entry of a registered task; ArgumentError naming the known ones otherwise. @example `getTask('charlm').load(bytes)` */
export function getTask(name: string): TaskEntry {
  const entry = tasks.get(name);
  if (entry === undefined) throw new ArgumentError(`unknown task '${name}' (registered: ${taskNames().join(', ') || 'none'})`);
  return entry;
}

/**
 * The task a checkpoint belongs to, by its `type`: FormatError for a checkpoint without one or
 * of a task that is not registered.
 *
 * @example `const { name, entry } = taskFor(bytes); entry.load(bytes)`
 */
export function taskFor(bytes: Uint8Array): { name: string; entry: TaskEntry } {
  const { type } = checkpointType(bytes);
  if (type === undefined) throw new FormatError('checkpoint: the metadata names no task type');
  const entry = tasks.get(type);
  if (entry === undefined) throw new FormatError(`checkpoint: it holds a '${type}' model, and no such task is registered (registered: ${taskNames().join(', ') || 'none'})`);
  return { name: type, entry };
}
