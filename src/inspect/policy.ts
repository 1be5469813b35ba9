/**
 * `policy [FUNCTION]`: a function's resource policy statement by statement, the rules each
 * statement admits, and whether the configured rule is among them — with the exact
 * `aws lambda add-permission` command when it is not. The verdict is the one
 * `target.permission` gives (model/lambda-policy), and so is the command (checks/support).
 */
import type { ChalkInstance } from "chalk";
import type { Host } from "../host/host.js";
import type { PipelineFlags } from "../settings/resolve.js";
import { addPermissionCommand, describeFailure } from "../checks/support.js";
import { AwsAccessError, ExitCode, UsageError } from "../errors.js";
import { busNameOf } from "../model/arn.js";
import { actionAdmitsInvoke, evaluateInvokePermission, evaluateStatement, principalAdmitsEvents, type StatementVerdict } from "../model/lambda-policy.js";
import { parseRuleArn, ruleArnBus } from "../model/rule-arn.js";
import type { PolicyStatement } from "../model/snapshot.js";
import { collectRule, withSession } from "./session.js";
import { renderTargetPolicyPretty, targetPolicyExitCode, targetPolicyView, type TargetPolicyView } from "./target-policy.js";
import { targetIsNamed } from "../collect/shape.js";
import { isCrossAccount } from "../checks/support.js";

/** One statement as `policy` reports it. */
export interface StatementView {
  sid: string | null;
  effect: string;
  principal: unknown;
  action: unknown;
  resource: unknown;
  condition: unknown;
  /**
   * The rules the statement lets EventBridge invoke from: `any` (no SourceArn condition),
   * `none` (not an EventBridge invoke permission), or the SourceArn values it names.
   */
  admitsRules: "any" | "none" | Array<{ sourceArn: string; bus: string | null; rule: string | null }>;
  /** The verdict for the configured rule; null when no rule is configured. */
  admitsConfiguredRule: boolean | null;
  /** Why the statement does not admit the configured rule. */
  why: string[];
}

/** The stable JSON document of `policy --format json`. */
export interface PolicyView {
  schemaVersion: 1;
  /** ok: the rule is admitted (or no rule was named); not-admitted: it is not. */
  status: "ok" | "not-admitted";
  function: { name: string; arn: string; qualifier: string | null };
  rule: { name: string; bus: string; arn: string } | null;
  statements: StatementView[];
  /** Whether the configured rule may invoke the function; null when no rule is configured. */
  admitted: boolean | null;
  /** The Sid of the statement that admits the rule (or denies it). */
  admittedBy: string | null;
  deniedBy: string | null;
  /** The command that lets the rule invoke the function, when it may not. */
  addPermission: string | null;
}

/** What the view is built from: the function, its statements and the rule (when configured). */
export interface PolicyInput {
  functionName: string;
  functionArn: string;
  qualifier: string | null;
  statements: PolicyStatement[];
  rule: { name: string; arn: string } | null;
  region: string | null;
}

/** Builds the document; pure. */
export function policyView(input: PolicyInput): PolicyView {
  const request = input.rule ? { targetArn: input.functionArn, ruleArn: input.rule.arn } : null;
  const verdict = request ? evaluateInvokePermission(input.statements, request) : null;
  const statements = input.statements.map((statement): StatementView => {
    const own: StatementVerdict | null = request ? evaluateStatement(statement, request) : null;
    return {
      sid: statement.Sid ?? null,
      effect: statement.Effect ?? "Allow",
      principal: statement.Principal ?? null,
      action: statement.Action ?? null,
      resource: statement.Resource ?? null,
      condition: statement.Condition ?? null,
      admitsRules: rulesAdmitted(statement),
      admitsConfiguredRule: own === null ? null : own.admits && verdict?.denied === null,
      why: own && !own.admits ? own.reasons.map((reason) => reason.message) : [],
    };
  });
  const admitted = verdict ? verdict.admitted !== null : null;
  const parsed = input.rule ? parseRuleArn(input.rule.arn) : null;
  return {
    schemaVersion: 1,
    status: admitted === false ? "not-admitted" : "ok",
    function: { name: input.functionName, arn: input.functionArn, qualifier: input.qualifier },
    rule: input.rule ? { name: input.rule.name, bus: parsed ? ruleArnBus(parsed) : "default", arn: input.rule.arn } : null,
    statements,
    admitted,
    admittedBy: verdict?.admitted ? (verdict.admitted.statement.Sid ?? null) : null,
    deniedBy: verdict?.denied ? (verdict.denied.Sid ?? null) : null,
    addPermission:
      admitted === false && input.rule
        ? addPermissionCommand({
            functionName: input.functionName,
            qualifier: input.qualifier ?? undefined,
            ruleName: input.rule.name,
            ruleArn: input.rule.arn,
            region: input.region,
            takenSids: input.statements.map((s) => s.Sid ?? ""),
          })
        : null,
  };
}

/** The rules a statement lets EventBridge invoke from, read from its SourceArn condition. */
function rulesAdmitted(statement: PolicyStatement): StatementView["admitsRules"] {
  if (statement.Effect === "Deny" || !principalAdmitsEvents(statement.Principal) || !actionAdmitsInvoke(statement.Action)) return "none";
  const values: string[] = [];
  for (const block of Object.values(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(block ?? {})) {
      if (key.toLowerCase() === "aws:sourcearn") values.push(...(Array.isArray(value) ? value : [value]));
    }
  }
  if (values.length === 0) return "any";
  return values.map((sourceArn) => {
    const rule = parseRuleArn(sourceArn);
    return { sourceArn, bus: rule ? ruleArnBus(rule) : null, rule: rule ? rule.name : null };
  });
}

/** The exit code for a policy document: 1 when the configured rule is not admitted. */
export function policyExitCode(view: PolicyView): number {
  return view.admitted === false ? ExitCode.Problems : ExitCode.Ok;
}

/** Renders the document for a person; colors only through the injected chalk. */
export function renderPolicyPretty(view: PolicyView, chalk: ChalkInstance): string {
  const lines: string[] = [];
  lines.push(`${chalk.bold(`policy of ${view.function.name}${view.function.qualifier ? `:${view.function.qualifier}` : ""}`)}  ${chalk.dim(view.function.arn)}`);
  if (view.rule) lines.push(`for rule ${view.rule.name} on bus ${view.rule.bus}  ${chalk.dim(view.rule.arn)}`);
  lines.push("");
  if (view.statements.length === 0) lines.push(`  ${chalk.dim("no resource policy: nothing but the function's own account may invoke it")}`);
  for (const [index, s] of view.statements.entries()) {
    const mark = s.admitsConfiguredRule === null ? "•" : s.admitsConfiguredRule ? chalk.green("✔") : chalk.red("✖");
    lines.push(`  ${mark} ${chalk.bold(s.sid ?? `(statement ${index + 1}, no Sid)`)}  ${s.effect} ${listText(s.action)} to ${principalText(s.principal)}`);
    if (s.admitsRules === "none") lines.push(`      admits  no EventBridge rule`);
    else if (s.admitsRules === "any") lines.push(`      admits  ${chalk.yellow("any rule, in any account (no SourceArn condition)")}`);
    else for (const r of s.admitsRules) lines.push(`      admits  ${r.rule ? `rule ${r.rule} on bus ${r.bus}` : "rules matching"}  ${chalk.dim(r.sourceArn)}`);
    for (const why of s.why) lines.push(`      ${chalk.dim(`not this rule: ${why}`)}`);
  }
  if (view.rule) {
    lines.push("");
    if (view.admitted) {
      lines.push(`${chalk.green("✔")} events.amazonaws.com may invoke it from rule ${view.rule.name}${view.admittedBy ? ` (statement ${view.admittedBy})` : ""}`);
    } else {
      const cause = view.deniedBy ? `statement ${view.deniedBy} denies it` : "no statement admits it";
      lines.push(`${chalk.red("✖")} events.amazonaws.com may not invoke it from rule ${view.rule.name}: ${cause}`);
      lines.push(`Fix  ${view.addPermission}`);
      if (view.deniedBy) lines.push(`     and remove statement ${view.deniedBy}: a Deny wins over any Allow`);
    }
  }
  return lines.join("\n");
}

function listText(value: unknown): string {
  return Array.isArray(value) ? value.join(", ") : String(value ?? "(no action)");
}

function principalText(principal: unknown): string {
  if (principal && typeof principal === "object" && !Array.isArray(principal)) {
    return Object.values(principal as Record<string, unknown>).flatMap((v) => (Array.isArray(v) ? v : [v])).join(", ");
  }
  return listText(principal);
}

/** Runs `policy`; returns the exit code. */
export async function runPolicy(host: Host, functionArg: string | undefined, flags: PipelineFlags): Promise<number> {
  const format = host.settings.formatFor(["pretty", "json"]);
  if (functionArg !== undefined && flags.function !== undefined && functionArg !== flags.function) {
    throw new UsageError(`two functions named: ${functionArg} and --function ${flags.function}; give one`);
  }
  const request = await host.settings.pipeline(flags);
  const wanted = functionArg ?? request.function;
  if (wanted === null && request.rule === null) {
    throw new UsageError("name the function: course-doctor policy FUNCTION (or --function), or the rule whose target it is (--rule)");
  }
  const input = await withSession(host, async (session): Promise<PolicyInput | TargetPolicyView> => {
    let rule: PolicyInput["rule"] = null;
    let target: { name: string; arn: string; qualifier: string | null } | null = null;
    let region: string | null = null;
    if (request.rule !== null) {
      host.out.progress(`reading rule ${request.rule} on bus ${busNameOf(request.bus)}…`);
      const snapshot = await collectRule(session, request, request.rule);
      region = snapshot.identity.ok ? snapshot.identity.value.region : snapshot.request.region;
      if (!snapshot.rule.ok) {
        if (snapshot.rule.reason === "not-found") {
          throw new UsageError(`rule ${request.rule} does not exist on bus ${busNameOf(request.bus)}`, { hint: "see `course-doctor rule NAME --bus BUS`" });
        }
        throw new AwsAccessError(`cannot read rule ${request.rule}: ${describeFailure(snapshot.rule)}`);
      }
      rule = { name: snapshot.rule.value.name, arn: snapshot.rule.value.arn };
      const all = snapshot.targets.ok ? snapshot.targets.value : [];
      // A queue, topic, log group, bus, role-based or cross-account target: its own policies.
      const named = wanted === null ? (all.length === 1 ? all : []) : all.filter((t) => targetIsNamed(t, wanted));
      const other = named.length === 1 && (named[0]!.kind !== "lambda" || named[0]!.roleArn !== undefined || isCrossAccount(snapshot, named[0]!)) ? named[0] : undefined;
      if (other) return targetPolicyView(snapshot, snapshot.rule.value, other);
      const lambdas = all.filter((t) => t.kind === "lambda" && t.function);
      const chosen = wanted === null ? lambdas : lambdas.filter((t) => t.function!.name === wanted || t.arn === wanted);
      if (wanted === null && chosen.length !== 1) {
        throw new UsageError(
          chosen.length === 0
            ? `rule ${request.rule} has no Lambda target: name the function (course-doctor policy FUNCTION)`
            : `rule ${request.rule} has ${chosen.length} Lambda targets: name one (${chosen.map((t) => t.function!.name).join(", ")})`,
        );
      }
      // The target's ARN as the rule names it (qualified for an alias): what EventBridge invokes.
      if (chosen[0]) target = { name: chosen[0].function!.name, arn: chosen[0].arn, qualifier: chosen[0].function!.qualifier ?? null };
    }
    const name = target?.name ?? wanted!;
    const [configuration, policy, identity] = await Promise.all([
      session.functionConfiguration(name, target?.qualifier ?? undefined),
      session.policy(name, target?.qualifier ?? undefined),
      session.identity(),
    ]);
    if (!identity.ok && (identity.reason === "no-credentials" || identity.reason === "unreachable")) {
      throw new AwsAccessError(`cannot reach AWS: ${identity.error}`);
    }
    region ??= identity.ok ? identity.value.region : null;
    if (!configuration.ok) {
      if (configuration.reason === "not-found") throw new UsageError(`function ${name} does not exist`, { hint: "name the function with --function or as the argument" });
      if (!target) throw new AwsAccessError(`cannot read function ${name}: ${describeFailure(configuration)}`);
    }
    if (!policy.ok) throw new AwsAccessError(`cannot read the resource policy of ${name}: ${describeFailure(policy)}`);
    return {
      functionName: name,
      functionArn: target?.arn ?? (configuration.ok ? configuration.value.arn : name),
      qualifier: target?.qualifier ?? null,
      statements: policy.value.statements,
      rule,
      region,
    };
  });
  if ("documents" in input) {
    host.out.result(format === "json" ? JSON.stringify(input, null, 2) : renderTargetPolicyPretty(input, host.out.chalk));
    return targetPolicyExitCode(input);
  }
  const view = policyView(input);
  host.out.result(format === "json" ? JSON.stringify(view, null, 2) : renderPolicyPretty(view, host.out.chalk));
  return policyExitCode(view);
}
