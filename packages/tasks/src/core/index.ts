export { checkpointType, decodeEnvelope, type Envelope, encodeEnvelope } from './envelope.js';
export { NonFiniteError } from './errors.js';
export { type CarriedJSON, type LoopParts, type StepResult, TrainingLoop, type TrainingState } from './loop.js';
export { getTask, registerTask, type TaskEntry, taskFor, taskNames } from './registry.js';
export { createSchedule, type ScheduleSpec } from './schedule.js';
export {
  type Budget, type CheckpointOptions, type CheckpointStore, type StopReason, stampedPath, type TrainEvent, type TrainOptions,
  type TrainResult, train,
} from './train.js';
