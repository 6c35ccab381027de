import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { PageResult } from './browser/page.js';

// Debian's Chromium (`apt-get install -y chromium`; scripts/test.sh installs it when missing).
const CHROMIUM = process.env.UNROLL_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('in a browser (headless Chromium)', () => {
  it('bundles for the browser, defaults to js there, and trains an LSTM and a GRU on WASM like the JS backend', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set UNROLL_CHROMIUM)`).toBe(true);
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('./browser/page.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['unroll-source'],
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s*["']node:/); // nothing of Node's is pulled into a browser bundle
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.setContent('<!doctype html><html><body></body></html>');
      await page.addScriptTag({ content: code, type: 'module' });
      await page.waitForFunction(() => {
        const w = globalThis as unknown as { __result?: unknown; __error?: unknown };
        return w.__result !== undefined || w.__error !== undefined;
      }, undefined, { timeout: 60_000 });
      const { result, error } = await page.evaluate(() => {
        const w = globalThis as unknown as { __result?: PageResult; __error?: string };
        return { result: w.__result, error: w.__error };
      });
      expect(errors).toEqual([]);
      expect(error).toBeUndefined();
      const r = result!;
      expect(r.defaultBackend).toBe('js'); // no package discovery outside Node
      expect(r.backend).toBe('wasm');
      expect(r.bytesIn).toBeGreaterThan(0); // the steps really ran in WebAssembly
      expect(r.losses.every(Number.isFinite)).toBe(true);
      expect(r.worst).toBeLessThan(1e-4); // float32; Adam divides by sqrt(v), magnifying tiny gradient differences
    } finally {
      await browser.close();
    }
  }, 120_000);
});
