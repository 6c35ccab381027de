import { ArgumentError } from '@unroll/tensor';

/** A token as the metrics see it: a string (word, phoneme) or an id; compared with `===`. @example `const t: MetricToken = 'AH0'` */
export type Token = string | number;

/** ArgumentError unless there is at least one hypothesis, each with at least one reference. */
export function checkCorpus(op: string, references: readonly (readonly (readonly Token[])[])[], hypotheses: readonly (readonly Token[])[]): void {
  if (references.length !== hypotheses.length) throw new ArgumentError(`${op}: ${hypotheses.length} hypotheses but ${references.length} reference lists`);
  if (hypotheses.length === 0) throw new ArgumentError(`${op}: the corpus is empty`);
  const i = references.findIndex((refs) => !Array.isArray(refs) || refs.length === 0);
  if (i >= 0) throw new ArgumentError(`${op}: hypothesis ${i} has no reference`);
}
