import { BACKEND_PACKAGES, discoverBackend, getBackend, nodeLoaders } from '@unroll/tensor';

/**
 * The backend the CLI computes with: `@unroll/tensor`'s default, the fastest installed (native,
 * then WASM, then the reference JS one; `UNROLL_BACKEND=js|wasm|native` overrides). An installed
 * native package that cannot run is reported by `@unroll/tensor` itself; one that is not
 * installed at all (an optional dependency skipped) gets a note here, once.
 */
export function selectBackend(): string {
  const name = getBackend().name;
  if (name !== 'native' && !process.env.UNROLL_BACKEND) {
    const native = discoverBackend(BACKEND_PACKAGES.find((p) => p.name === 'native')!, nodeLoaders());
    if (native.found === 'missing') process.stderr.write(`unroll: note: native kernels unavailable (${native.reason}); using the ${name} backend\n`);
  }
  return name;
}
