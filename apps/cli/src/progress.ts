import cliProgress from 'cli-progress';

/** What the progress line shows. */
export interface ProgressState {
  step: number;
  loss: number;
  valBpc?: number;
  tokensPerSec: number;
}

/**
 * A progress bar (cli-progress) when stdout is a terminal; otherwise nothing is drawn and `log`
 * prints plain lines.
 */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;

  constructor(readonly tty: boolean, private readonly total?: number) {}

  start(): void {
    if (!this.tty) return;
    const format = `${this.total ? '{bar} {percentage}% | ' : ''}step {value} | loss {loss} | val {val} bits/char | {tps} tokens/s`;
    this.bar = new cliProgress.SingleBar({ format, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
    this.bar.start(this.total ?? 0, 0, { loss: '-', val: '-', tps: '-' });
  }

  update(s: ProgressState): void {
    this.bar?.update(s.step, { loss: s.loss.toFixed(3), val: s.valBpc === undefined ? '-' : s.valBpc.toFixed(3), tps: s.tokensPerSec.toFixed(0) });
  }

  /** Prints a line without breaking the bar. */
  log(line: string): void {
    if (this.bar) {
      process.stdout.write('\r\x1b[K');
      process.stdout.write(`${line}\n`);
      this.bar.render();
    } else process.stdout.write(`${line}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
