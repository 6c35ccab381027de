import { checkpointType, readCharLMCheckpoint, TRANSLATE_TYPE, translateTask } from '@unroll/tasks';
import { Command } from 'commander';
import { printJson, readCheckpointFile, withCheckpoint } from '../io.js';

/** `unroll info CKPT`: config, parameter count and training history. */
export function infoCommand(): Command {
  return new Command('info')
    .description("a checkpoint's model config, parameter count and training history")
    .argument('<ckpt>', 'checkpoint written by `unroll train charlm`')
    .option('--json', 'print as JSON')
    .action(async (ckpt: string, flags: { json?: boolean }) => {
      const bytes = await readCheckpointFile(ckpt);
      if (withCheckpointType(bytes) === TRANSLATE_TYPE) {
        const info = await withCheckpoint(ckpt, translateTask.describe);
        process.stdout.write(flags.json ? `${JSON.stringify(info)}\n` : `${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      const { meta, decoded } = await withCheckpoint(ckpt, readCharLMCheckpoint);
      const parameters = Object.values(decoded.modelState).reduce((n, t) => n + t.size, 0);
      const withVal = meta.history.filter((h) => h.valLoss !== undefined);
      const timed = meta.version === 1;
      const info = {
        type: meta.type,
        config: meta.config,
        vocabSize: meta.vocab.length,
        parameters,
        steps: meta.step,
        tokens: meta.tokens,
        // only version 1 files stored timings; later ones keep them out so that a run's bytes repeat
        ...(timed ? { trainingSeconds: Number(meta.seconds.toFixed(1)) } : {}),
        lastTrainLoss: meta.history.at(-1)?.trainLoss,
        lastValLoss: withVal.at(-1)?.valLoss,
        validation: withVal.map((h) => ({ step: h.step, ...(timed ? { seconds: Number(h.seconds.toFixed(1)) } : {}), valLoss: h.valLoss })),
      };
      if (flags.json) {
        printJson(info);
        return;
      }
      const c = meta.config;
      const lines = [
        `model: charlm, ${c.model.layers}-layer ${c.model.cell.toUpperCase()}, hidden ${c.model.hidden}, ${c.model.embed > 0 ? `embedding ${c.model.embed}` : 'one-hot input'}, vocabulary ${info.vocabSize}`,
        `parameters: ${parameters.toLocaleString('en')}`,
        `training: seq ${c.seq}, batch ${c.batch}, ${c.optimizer} lr ${c.lr} (x${c.lrDecay} every ${c.decayEvery} steps), clip ${c.clip}, seed ${c.seed}`,
        `progress: ${meta.step} steps, ${meta.tokens.toLocaleString('en')} tokens${timed ? `, ${info.trainingSeconds} s` : ''}`,
        `last train loss: ${info.lastTrainLoss?.toFixed(4) ?? '-'} nats/char; last validation loss: ${info.lastValLoss?.toFixed(4) ?? '-'} nats/char`,
        `validation history (step, ${timed ? 'seconds, ' : ''}nats/char):`,
        ...info.validation.map((v) => `  ${v.step}\t${timed ? `${v.seconds}\t` : ''}${v.valLoss!.toFixed(4)}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

/** The task type a checkpoint names (undefined when it is unreadable: the char model's path reports that). */
function withCheckpointType(bytes: Uint8Array): string | undefined {
  try {
    return checkpointType(bytes).type;
  } catch {
    return undefined;
  }
}
