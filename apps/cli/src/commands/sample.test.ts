import { CharLMTrainer, type SampleOptions, sampleText } from '@unroll/tasks';
import { describe, expect, it } from 'vitest';
import { type SampleFlags, sampleCommand, sampleOptionsFromFlags } from './sample.js';

/** Parses `unroll sample CKPT ARGS` with commander exactly as the CLI does, without running it. */
async function parseFlags(args: string[]): Promise<SampleFlags> {
  let flags: SampleFlags | undefined;
  const cmd = sampleCommand().action((_ckpt: string, f: SampleFlags) => { flags = f; });
  await cmd.parseAsync(['model.safetensors', ...args], { from: 'user' });
  return flags!;
}

describe('sampleOptionsFromFlags', () => {
  it('maps every flag but --json to its sampleChars option', async () => {
    const flags = await parseFlags(['--prime', 'the ', '--length', '20', '--temperature', '0.5', '--top-k', '3', '--top-p', '0.9', '--argmax', '--seed', '7', '--json']);
    expect(sampleOptionsFromFlags(flags)).toEqual({ prime: 'the ', length: 20, temperature: 0.5, topK: 3, topP: 0.9, argmax: true, seed: 7 });
  });

  it("the defaults: a newline prime, 500 characters, temperature 1, seed 0, no top-k / top-p", async () => {
    expect(sampleOptionsFromFlags(await parseFlags([]))).toEqual({ prime: '\n', length: 500, temperature: 1, topK: undefined, topP: undefined, argmax: undefined, seed: 0 });
  });

  it('--temperature, --top-k and --top-p each sample what the library samples with that option', async () => {
    const t = CharLMTrainer.create('the quick brown fox jumps over the lazy dog. '.repeat(40), { seq: 8, batch: 2, model: { hidden: 8 } });
    for (let i = 0; i < 3; i++) t.step();
    const base = ['--length', '60', '--seed', '7', '--prime', 'the '];
    const plain = sampleText(t.model, t.vocab, { length: 60, seed: 7, prime: 'the ' });
    const cases: [string[], SampleOptions][] = [
      [['--temperature', '0.3'], { temperature: 0.3 }],
      [['--top-k', '2'], { topK: 2 }],
      [['--top-p', '0.3'], { topP: 0.3 }],
    ];
    for (const [args, option] of cases) {
      const fromCli = sampleText(t.model, t.vocab, sampleOptionsFromFlags(await parseFlags([...base, ...args])));
      expect(fromCli, args.join(' ')).toBe(sampleText(t.model, t.vocab, { length: 60, seed: 7, prime: 'the ', ...option }));
      expect(fromCli, `${args.join(' ')} changes the sample`).not.toBe(plain);
    }
  });
});
