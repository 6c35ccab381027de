import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const APP = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'unroll-tree-shaking-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles `source` (an ES module) with esbuild, tree-shaking on, from the packages' sources. */
async function bundle(source: string): Promise<string> {
  const out = await build({
    stdin: { contents: source, loader: 'ts', resolveDir: APP }, // resolves the workspace packages from this app
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    treeShaking: true,
    conditions: ['unroll-source'],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** Runs a bundle as a module and returns its exports. */
async function run(code: string): Promise<Record<string, unknown>> {
  const file = join(dir, `bundle-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, code);
  return import(pathToFileURL(file).href);
}

describe('@unroll/autograd under a tree-shaking bundler (esbuild)', () => {
  it('a bundle that imports only Parameter still installs the tape and records gradients', async () => {
    const code = await bundle(`
      import { Parameter } from '@unroll/autograd';
      import { setBackend, tensor } from '@unroll/tensor';
      setBackend('js'); // no backend discovery inside a bundle
      const p = new Parameter(tensor([1, 2, 3]));
      p.mul(p).sum().backward();
      export const grad = Array.from(p.grad.data);
    `);
    expect(code).not.toContain('class Adam'); // tree-shaking did drop what the entry does not use
    const { grad } = await run(code);
    expect(grad).toEqual([2, 4, 6]); // d/dp sum(p^2) = 2p: the tape recorded mul and sum
  });

  it('a bare side-effect import installs the tape for tensors that require grad', async () => {
    const code = await bundle(`
      import '@unroll/autograd';
      import { setBackend, tensor } from '@unroll/tensor';
      setBackend('js');
      const x = tensor([3, -1]).requiresGrad_();
      x.mul(x).mul(x).sum().backward();
      export const grad = Array.from(x.grad.data);
    `);
    const { grad } = await run(code);
    expect(grad).toEqual([27, 3]); // d/dx sum(x^3) = 3x^2
  });
});
