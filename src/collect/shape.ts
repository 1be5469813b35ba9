/** AWS answers as the snapshot records them: plain data, defaults filled, nothing undefined. */
import type { Rule, Target } from "../aws/services/events.js";
import { lambdaFunctionOf, parseArn, targetKindOf } from "../model/arn.js";
import type { RuleInfo, TargetInfo, TargetInputSettings } from "../model/snapshot.js";

export function dropUndefined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}

/** A rule as DescribeRule or ListRules returns it. */
export function ruleInfoOf(rule: Rule, busName: string): RuleInfo {
  return dropUndefined({
    name: rule.Name ?? "",
    arn: rule.Arn ?? "",
    busName: rule.EventBusName ?? busName,
    state: rule.State ?? "ENABLED",
    eventPattern: rule.EventPattern,
    scheduleExpression: rule.ScheduleExpression,
    description: rule.Description,
    managedBy: rule.ManagedBy,
    roleArn: rule.RoleArn,
  }) as RuleInfo;
}

/** A target as ListTargetsByRule returns it. */
export function targetInfoOf(target: Target): TargetInfo {
  const arn = target.Arn ?? "";
  const kind = targetKindOf(arn);
  const info: TargetInfo = { id: target.Id ?? "", arn, kind };
  if (kind === "other") info.service = parseArn(arn)?.service ?? "unknown";
  if (target.RoleArn) info.roleArn = target.RoleArn;
  if (target.RetryPolicy) {
    info.retryPolicy = dropUndefined({
      maximumRetryAttempts: target.RetryPolicy.MaximumRetryAttempts,
      maximumEventAgeInSeconds: target.RetryPolicy.MaximumEventAgeInSeconds,
    });
  }
  if (target.DeadLetterConfig?.Arn) info.deadLetterArn = target.DeadLetterConfig.Arn;
  // Always recorded ({} for none): an absent `input` means a snapshot that predates it.
  info.input = dropUndefined({
    Input: target.Input ?? undefined,
    InputPath: target.InputPath ?? undefined,
    InputTransformer: target.InputTransformer
      ? dropUndefined({ InputPathsMap: target.InputTransformer.InputPathsMap ?? undefined, InputTemplate: target.InputTransformer.InputTemplate ?? "" })
      : undefined,
  }) as TargetInputSettings;
  if (target.Input !== undefined || target.InputPath !== undefined || target.InputTransformer !== undefined) info.transformsInput = true;
  const fn = kind === "lambda" ? lambdaFunctionOf(arn) : undefined;
  if (fn) info.function = fn;
  return info;
}

/** The Lambda targets among `targets`: all of them, or only `fn` (a name, a name:qualifier, an ARN or a target id) when given. */
export function lambdaTargetsOf(targets: TargetInfo[], fn: string | null): TargetInfo[] {
  return targets.filter((target) => target.kind === "lambda" && target.function && (fn === null || targetIsNamed(target, fn)));
}

/** True when `name` names this target exactly: its id, its ARN, its function name, or name:qualifier. Never a substring. */
export function targetIsNamed(target: TargetInfo, name: string): boolean {
  if (target.id === name || target.arn === name) return true;
  const fn = target.function;
  if (!fn) return false;
  return fn.name === name || (fn.qualifier !== undefined && `${fn.name}:${fn.qualifier}` === name);
}
