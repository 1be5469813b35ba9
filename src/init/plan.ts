/**
 * Decides what `init` writes, from what it discovered: pure, no I/O. The result is an
 * ordered list of settings, each with the comment lines that go above it, which
 * `renderConfigText` turns into a commented JSON file and `configObject` into the plain
 * object the file holds.
 */
import type { Settings } from "../config/schema.js";
import type { TargetInfo } from "../model/snapshot.js";
import type { Discovery, DiscoveredRule, PublisherCandidate } from "./discover.js";

/** One setting as written, with the comment lines above it. */
export interface PlannedEntry {
  key: keyof Settings;
  value: string;
  comments: string[];
}

/** What `init` will write, and what it tells the user about its choices. */
export interface InitPlan {
  /** Lines at the top of the file. */
  header: string[];
  entries: PlannedEntry[];
  /** Comment lines after the last setting (what could not be filled in). */
  footer: string[];
  /** When set, the entries go into environments[env] and defaultEnv names it. */
  env: string | null;
  /** Notes for stderr: choices made among several candidates, things not found. */
  notes: string[];
  /** The rule written, or null when the bus has none. */
  rule: string | null;
}

/** What the user asked for, beside the bus. */
export interface InitChoices {
  rule: string | null;
  region: string | undefined;
  profile: string | undefined;
  endpointUrl: string | undefined;
  env: string | undefined;
}

/** Why `init` cannot write a file; the caller turns it into an exit code. */
export type InitRefusal = { kind: "no-rule"; message: string };

/** Plans the file; a refusal when the rule named with --rule is not on the bus. */
export function planInit(discovery: Discovery, choices: InitChoices): InitPlan | InitRefusal {
  const notes: string[] = [];
  const entries: PlannedEntry[] = [];
  const footer: string[] = [];
  const busName = discovery.busName;
  const where = `${discovery.region}${discovery.account ? `, account ${discovery.account}` : ""}`;
  const header = [`course-doctor configuration, written by \`course-doctor init\` from bus ${busName} (${where}).`, "Every course-doctor command reads it; flags beat environment variables beat this file."];

  if (choices.region !== undefined) entries.push({ key: "region", value: choices.region, comments: [] });
  else header.push(`No "region" here: AWS_REGION or your profile decides (it was ${discovery.region}).`);
  if (choices.profile !== undefined) entries.push({ key: "profile", value: choices.profile, comments: ["The AWS profile init ran with; remove it to use the SDK's credential chain."] });
  if (choices.endpointUrl !== undefined) entries.push({ key: "endpointUrl", value: choices.endpointUrl, comments: ["Every AWS call goes to this endpoint (an emulator): remove it for real AWS."] });

  const rules = discovery.rules;
  const pick = pickRule(rules, choices.rule);
  if (pick.kind === "missing") {
    const names = rules.map((rule) => rule.name);
    return {
      kind: "no-rule",
      message: `no rule named ${choices.rule} on bus ${busName} in ${discovery.region}; ${names.length > 0 ? `rules here: ${names.join(", ")}` : "the bus has no rules"}`,
    };
  }

  const busComments = ["The bus the application publishes to."];
  entries.push({ key: "bus", value: discovery.bus, comments: busComments });
  if (pick.kind === "none") {
    footer.push(`Bus ${busName} has no rules yet: add "rule": "NAME" once it has one.`);
    notes.push(`bus ${busName} has no rules: the file names the bus only`);
    appendPublisher(entries, footer, notes, discovery, null);
    return { header, entries, footer, env: choices.env ?? null, notes, rule: null };
  }

  const rule = pick.rule;
  const ruleComments = ["The rule that should route the events to the worker."];
  if (pick.kind === "first-of-several") {
    const others = pick.others.map((other) => other.name);
    ruleComments.push(`${pick.why}; the others: ${others.join(", ")}.`, "Check another with `course-doctor check --rule NAME`, or write it here.");
    notes.push(`${pick.why} on bus ${busName}: ${[rule.name, ...others].join(", ")}; wrote ${rule.name} (pass --rule NAME to pick another)`);
  } else if (pick.kind === "only-rule-without-lambda") {
    ruleComments.push("It has no Lambda target.");
    notes.push(`rule ${rule.name} has no Lambda target`);
  }
  if (rule.state !== "ENABLED") ruleComments.push(`It is ${rule.state}: it matches nothing until it is enabled.`);
  entries.push({ key: "rule", value: rule.name, comments: ruleComments });

  appendFunction(entries, footer, notes, rule);
  appendEvent(entries, footer, rule);
  appendPublisher(entries, footer, notes, discovery, rule);
  return { header, entries, footer, env: choices.env ?? null, notes, rule: rule.name };
}

type RulePick =
  | { kind: "named" | "only-lambda" | "only-rule-without-lambda"; rule: DiscoveredRule }
  | { kind: "first-of-several"; rule: DiscoveredRule; others: DiscoveredRule[]; why: string }
  | { kind: "none" }
  | { kind: "missing" };

/** --rule, else the only rule with a Lambda target, else the first of several (the others listed). */
export function pickRule(rules: DiscoveredRule[], named: string | null): RulePick {
  if (named !== null) {
    const rule = rules.find((candidate) => candidate.name === named);
    return rule ? { kind: "named", rule } : { kind: "missing" };
  }
  if (rules.length === 0) return { kind: "none" };
  const withLambda = rules.filter((rule) => lambdaTargets(rule).length > 0);
  if (withLambda.length === 1) return { kind: "only-lambda", rule: withLambda[0]! };
  if (withLambda.length > 1) return { kind: "first-of-several", rule: withLambda[0]!, others: withLambda.slice(1), why: `${withLambda.length} rules with a Lambda target` };
  if (rules.length === 1) return { kind: "only-rule-without-lambda", rule: rules[0]! };
  const unread = rules.some((rule) => rule.targets !== null && !rule.targets.ok);
  const why = unread ? `${rules.length} rules (their targets could not all be read)` : `${rules.length} rules, none with a Lambda target`;
  return { kind: "first-of-several", rule: rules[0]!, others: rules.slice(1), why };
}

function lambdaTargets(rule: DiscoveredRule): TargetInfo[] {
  return rule.targets?.ok ? rule.targets.value.filter((target) => target.kind === "lambda" && target.function) : [];
}

/** `function` only when the rule has several targets: the Lambda one (the first of several). */
function appendFunction(entries: PlannedEntry[], footer: string[], notes: string[], rule: DiscoveredRule): void {
  if (rule.targets === null) return;
  if (!rule.targets.ok) {
    footer.push(`The targets of ${rule.name} could not be read (${rule.targets.error}): set "function" if the rule has several.`);
    notes.push(`could not read the targets of ${rule.name}: ${rule.targets.error}`);
    return;
  }
  const all = rule.targets.value;
  const lambdas = lambdaTargets(rule);
  if (all.length === 0) {
    footer.push(`Rule ${rule.name} has no targets yet: matched events go nowhere.`);
    notes.push(`rule ${rule.name} has no targets`);
    return;
  }
  if (all.length < 2 || lambdas.length === 0) return;
  const names = [...new Set(lambdas.map((target) => target.function!.name))];
  const comments = [`The worker: the rule's Lambda target (it has ${all.length} targets).`];
  if (names.length > 1) {
    comments.push(`Its other Lambda targets: ${names.slice(1).join(", ")}.`);
    notes.push(`rule ${rule.name} has ${names.length} Lambda targets: ${names.join(", ")}; wrote ${names[0]} as "function"`);
  }
  entries.push({ key: "function", value: names[0]!, comments });
}

/** `source` and `detailType` when the pattern names exactly one string for each. */
function appendEvent(entries: PlannedEntry[], footer: string[], rule: DiscoveredRule): void {
  const pattern = parsePattern(rule.eventPattern);
  if (pattern === null) {
    if (rule.eventPattern === null) footer.push(`Rule ${rule.name} has no event pattern (a schedule?).`);
    return;
  }
  const source = singleString(pattern.source);
  const detailType = singleString(pattern["detail-type"]);
  if (source !== undefined && detailType !== undefined) {
    entries.push({
      key: "source",
      value: source,
      comments: ["The event the application sends, from the rule's pattern. Better: copy what the code", 'really sends (with its detail) into "event", so check tests that and not the pattern\'s echo.'],
    });
    entries.push({ key: "detailType", value: detailType, comments: [] });
    return;
  }
  footer.push(
    'The rule\'s pattern does not name exactly one source and one detail-type: add the event the code sends,',
    'as "source" + "detailType" (+ "detail"), or as a whole "event".',
  );
}

function parsePattern(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function singleString(value: unknown): string | undefined {
  return Array.isArray(value) && value.length === 1 && typeof value[0] === "string" && value[0] !== "" ? value[0] : undefined;
}

/**
 * `publisher` and `busEnvVar`: a function whose environment names the bus. A target of the
 * rule itself is a worker more likely than the publisher, so it comes last.
 */
function appendPublisher(entries: PlannedEntry[], footer: string[], notes: string[], discovery: Discovery, rule: DiscoveredRule | null): void {
  if (!discovery.publishers.ok) {
    footer.push(`Functions could not be listed (${discovery.publishers.error}):`, 'set "publisher" (the function calling PutEvents) and "busEnvVar" by hand.');
    notes.push(`could not list functions to find the publisher: ${discovery.publishers.error}`);
    return;
  }
  // A function the rule itself invokes is its worker, the least likely publisher; a target of
  // another rule may publish (a chain of stages), but a function no rule invokes (the API) comes first.
  const ownWorkers = new Set(rule ? lambdaTargets(rule).map((target) => target.function!.name) : []);
  const anyWorkers = new Set(discovery.rules.flatMap((each) => lambdaTargets(each).map((target) => target.function!.name)));
  const rank = (name: string) => (ownWorkers.has(name) ? 2 : anyWorkers.has(name) ? 1 : 0);
  const candidates = [...discovery.publishers.value].sort((a, b) => rank(a.function) - rank(b.function));
  if (candidates.length === 0) {
    footer.push(
      `No Lambda function's environment names bus ${discovery.busName}. If the publisher reads its bus from a variable,`,
      'it is unset and it publishes to the default bus: set "publisher" and "busEnvVar" and run check.',
    );
    notes.push(`no Lambda function's environment names bus ${discovery.busName}: publisher not filled in`);
    return;
  }
  const chosen: PublisherCandidate = candidates[0]!;
  const comments = ["The function that calls PutEvents, and its environment variable naming the bus."];
  if (candidates.length > 1) {
    const others = candidates.slice(1).map((candidate) => `${candidate.function} (${candidate.variables[0]})`);
    comments.push(`Other functions naming the bus: ${others.join(", ")}.`);
    notes.push(`${candidates.length} functions name bus ${discovery.busName} in their environment: ${candidates.map((c) => c.function).join(", ")}; wrote ${chosen.function} as the publisher`);
  }
  entries.push({ key: "publisher", value: chosen.function, comments });
  entries.push({ key: "busEnvVar", value: chosen.variables[0]!, comments: [] });
}

/** The object the file holds (what `--format json` prints). */
export function configObject(plan: InitPlan): Record<string, unknown> {
  const settings = Object.fromEntries(plan.entries.map((entry) => [entry.key, entry.value]));
  return plan.env === null ? settings : { defaultEnv: plan.env, environments: { [plan.env]: settings } };
}

/** The file's text: JSON with // comments, in the order planned, two-space indents. */
export function renderConfigText(plan: InitPlan): string {
  const lines: string[] = plan.header.map((line) => `// ${oneLine(line)}`);
  lines.push("{");
  let indent = "  ";
  if (plan.env !== null) {
    lines.push(`${indent}"defaultEnv": ${JSON.stringify(plan.env)},`, `${indent}"environments": {`, `${indent}  ${JSON.stringify(plan.env)}: {`);
    indent += "    ";
  }
  plan.entries.forEach((entry, index) => {
    for (const comment of entry.comments) lines.push(`${indent}// ${oneLine(comment)}`);
    const comma = index < plan.entries.length - 1 ? "," : "";
    lines.push(`${indent}${JSON.stringify(entry.key)}: ${JSON.stringify(entry.value)}${comma}`);
  });
  for (const comment of plan.footer) lines.push(`${indent}// ${oneLine(comment)}`);
  if (plan.env !== null) lines.push("    }", "  }");
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** A name from AWS inside a // comment must not end the comment's line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ");
}
