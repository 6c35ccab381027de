/** Thrown when the arena cannot grow (WebAssembly memory is limited to 4 GiB, or the host refused). */
export class ArenaFullError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ArenaFullError';
  }
}

/**
 * One growable scratch arena in the kernel module's linear memory.
 *
 * Each backend call resets the arena, places its inputs, outputs and workspaces one after another
 * (64-byte aligned), runs the kernel and copies the results out. Nothing outlives a call but
 * the pinned blocks of `Backend.withReadOnly` (released when it returns), so the memory grows only
 * to the largest call (plus the pinned weights) and then stays flat: WebAssembly memory never
 * shrinks, and a call never grows it unless it needs more than any call before.
 */
export class Arena {
  /** Start of the per-call region: the heap start, or past the pinned arrays. */
  private base: number;
  private readonly heapStart: number;
  private top: number;
  private buffer: ArrayBuffer | SharedArrayBuffer;
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;

  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    this.base = Math.ceil(base / 64) * 64;
    this.heapStart = this.base;
    this.top = this.base;
    this.buffer = memory.buffer;
    this.f32 = new Float32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** Bytes of linear memory now. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Frees everything (the start of each backend call). */
  reset(): void {
    this.top = this.base;
  }

  /**
   * `bytes` bytes that survive `reset()` until `unpinAll()` (arrays kept in linear memory for the
   * length of a time loop). Only between calls: it moves the start of the per-call region.
   */
  pin(bytes: number): number {
    this.reset();
    const p = this.alloc(bytes);
    this.base = this.top;
    return p;
  }

  /** Releases every pinned block. */
  unpinAll(): void {
    this.base = this.heapStart;
    this.top = this.base;
  }

  /** `bytes` bytes at a 64-byte-aligned address; grows the memory (and the views) if needed. */
  alloc(bytes: number): number {
    const p = this.top;
    const end = p + Math.ceil(bytes / 64) * 64;
    if (end > this.buffer.byteLength) this.grow(end);
    this.top = end;
    return p;
  }

  private grow(end: number): void {
    const pages = Math.ceil((end - this.memory.buffer.byteLength) / 65536);
    try {
      this.memory.grow(pages);
    } catch (e) {
      throw new ArenaFullError(`@unroll/backend-wasm: cannot grow WebAssembly memory to ${end} bytes (${e instanceof Error ? e.message : String(e)})`);
    }
    this.buffer = this.memory.buffer;
    this.f32 = new Float32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }
}
