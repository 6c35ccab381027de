/** Command-line options of `pnpm bench`. */

export interface Options {
  quick: boolean;
  /** Timed samples per configuration. */
  runs: number;
  /** Time box of one training configuration, seconds. */
  budgetS: number;
  /** Keep only configurations whose id contains one of these (e.g. "matmul", "tfjs-cpu"). */
  only: string[];
  /** Drop configurations whose id contains one of these. */
  skip: string[];
  /** Write BENCHMARKS.md at the repository root. */
  write: boolean;
  /** Also write the raw results as JSON here. */
  json: string | undefined;
  /** May install Debian's libopenblas0-openmp (root, apt-get) so that PyTorch runs at its best. */
  install: boolean;
  help: boolean;
}

export const USAGE = `pnpm bench [options]      (from the repository root; or: cd bench && pnpm bench -- [options])

  --quick          1 run per configuration, matmul 256 only, short time boxes (a smoke test)
  --runs N         timed samples per configuration (default 5)
  --budget S       time box of one training configuration in seconds (default 12)
  --only a,b       keep configurations whose id contains a or b (ids: matmul-512/tfjs-wasm,
                   train-lstm1/unroll-js, infer-lstm1/torch, ...)
  --skip a,b       drop configurations whose id contains a or b (e.g. --skip tfjs-cpu,torch)
  --no-write       do not write BENCHMARKS.md
  --json FILE      also write the raw results as JSON
  --no-install     do not install libopenblas0-openmp (by default, when PyTorch imports but
                   OpenBLAS's OpenMP build is missing, root runs apt-get install for it)
  --help           this text`;

export function parseArgs(argv: readonly string[]): Options {
  const o: Options = { quick: false, runs: 5, budgetS: 12, only: [], skip: [], write: true, json: undefined, install: true, help: false };
  let runsGiven = false;
  let budgetGiven = false;
  const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--') continue; // `pnpm bench -- --quick` may pass the separator through
    else if (a === '--quick') o.quick = true;
    else if (a === '--runs') { o.runs = positive(a, value()); runsGiven = true; }
    else if (a === '--budget') { o.budgetS = positive(a, value()); budgetGiven = true; }
    else if (a === '--only') o.only.push(...list(value()));
    else if (a === '--skip') o.skip.push(...list(value()));
    else if (a === '--no-write') o.write = false;
    else if (a === '--json') o.json = value();
    else if (a === '--no-install') o.install = false;
    else if (a === '--help' || a === '-h') o.help = true;
    else throw new Error(`unknown option '${a}'\n\n${USAGE}`);
  }
  if (o.quick) {
    if (!runsGiven) o.runs = 1;
    if (!budgetGiven) o.budgetS = 3;
  }
  if (!Number.isInteger(o.runs)) throw new Error(`--runs must be an integer, got ${o.runs}`);
  return o;
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${flag} must be a positive number, got '${v}'`);
  return n;
}
