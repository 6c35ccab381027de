/** Shared by the tensor tests: the error `f` throws (failing when it throws nothing). */
export function captureError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}
