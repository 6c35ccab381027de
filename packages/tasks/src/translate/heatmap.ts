import { ArgumentError } from '@unroll/tensor';

const SHADES = ' .:-=+*#%@';

/**
 * A text heat map of an attention matrix: one row per output token (labelled on the left), one
 * column per source token (labelled on top), each cell a shade from ` .:-=+*#%@` (weight 0 to 1,
 * in tenths), as wide as its column's label.
 *
 * @example
 * ```ts
 * import { attentionHeatmap } from '@unroll/tasks';
 * attentionHeatmap(['c', 'a', 't'], ['K', 'AE1', 'T'], [[0.9, 0.1, 0], [0, 1, 0], [0, 0.2, 0.8]]);
 * //      c a t
 * //  K   @ .
 * //  AE1   @
 * //  T     : %
 * ```
 */
export function attentionHeatmap(sourceTokens: readonly string[], outputTokens: readonly string[], weights: readonly (readonly number[])[]): string {
  if (weights.length !== outputTokens.length) throw new ArgumentError(`attentionHeatmap: ${weights.length} rows of weights for ${outputTokens.length} output tokens`);
  const width = Math.max(0, ...outputTokens.map((t) => t.length));
  const cols = sourceTokens.map((t) => Math.max(1, t.length));
  const lines = [`${' '.repeat(width)} ${sourceTokens.map((t, j) => t.padEnd(cols[j]!)).join(' ')}`.trimEnd()];
  weights.forEach((row, i) => {
    if (row.length !== sourceTokens.length) throw new ArgumentError(`attentionHeatmap: row ${i} has ${row.length} weights for ${sourceTokens.length} source tokens`);
    const cells = row.map((w, j) => SHADES[Math.min(9, Math.max(0, Math.round(w * 9)))]!.padEnd(cols[j]!));
    lines.push(`${outputTokens[i]!.padEnd(width)} ${cells.join(' ')}`.trimEnd());
  });
  return lines.join('\n');
}
