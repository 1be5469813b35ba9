/**
 * The input-transformation engine: what a rule target receives, computed the way
 * EventBridge does (Input, InputPath, InputTransformer), and what PutTargets rejects.
 * Pure: no I/O, no clock.
 */
export { applyTargetInput, formatIngestionTime, buildLegacyEvent } from "./apply.js";
export { DEFAULT_RULE_NAME, transformForCommand, type TransformCommandOptions, type TransformCommandResult } from "./command.js";
export { InvalidInputTransformError } from "./errors.js";
export { repairTargetInput, type InputRepair } from "./repair.js";
export { parseInputPath, readInputPath, type InputPathExpression, type PathStep, type PathValue } from "./path.js";
export { PREDEFINED_VARIABLES, isJsonTemplate, type PredefinedVariable } from "./template.js";
export type {
  InputContext,
  InputMode,
  InputProblem,
  InputTransformerSettings,
  InputWarning,
  InputWarningCode,
  TargetDescription,
  TargetInputResult,
  TargetInputSettings,
} from "./types.js";
export { MAX_INPUT_LENGTH, MAX_VARIABLES, assertTargetInput, pickTargetInput, validateTargetInput } from "./validate.js";
