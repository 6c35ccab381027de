/** Receives ||dL/dh_t|| for each step while a gradient-flow probe is active. */
export interface StepGradientSink {
  record(label: string, time: number, norm: number): void;
}

let activeSink: StepGradientSink | undefined;

/** Runs `fn` with a sink that fused backward passes report per-step gradient norms to. */
export function withStepGradientSink<T>(sink: StepGradientSink, fn: () => T): T {
  const prev = activeSink;
  activeSink = sink;
  try {
    return fn();
  } finally {
    activeSink = prev;
  }
}

/** The active sink, if a probe is running. */
export function stepGradientSink(): StepGradientSink | undefined {
  return activeSink;
}
