/**
 * Validation and compilation of an event pattern into "sub-rules": `$or` is expanded so
 * each sub-rule is a plain AND of fields, each field a list of alternatives. The rules
 * and messages follow EventBridge (whose engine is aws/event-ruler): what it rejects is
 * rejected here, with the JSON path of the offending part.
 */
import { equalsIgnoreCaseRegExp, prefixIgnoreCaseRegExp, suffixIgnoreCaseRegExp } from "./casefold.js";
import { InvalidPatternError, jsonPath } from "./errors.js";
import { addressRange, looksLikeIp, parseCidr, parseIp, type IpRange } from "./ip.js";
import { JsonSyntaxError, MAX_DEPTH, parseJson, RawNumber } from "./json.js";
import { isComparableNumber } from "./number.js";
import { parseWildcard, wildcardComplexity, type Wildcard } from "./wildcard.js";

/** One alternative for a field's value. */
export type Matcher =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number; text: string }
  | { kind: "raw-number"; text: string }
  | { kind: "literal"; value: "true" | "false" | "null" }
  | { kind: "ip"; text: string; range: IpRange; numeric: boolean }
  | { kind: "prefix"; value: string; quoted: boolean }
  | { kind: "suffix"; value: string; quoted: boolean }
  | { kind: "prefix-ignore-case"; value: string; re: RegExp }
  | { kind: "suffix-ignore-case"; value: string; re: RegExp }
  | { kind: "equals-ignore-case"; value: string; re: RegExp }
  | { kind: "wildcard"; value: string; wildcard: Wildcard }
  | { kind: "anything-but"; strings: Set<string>; numbers: number[]; display: unknown[] }
  | { kind: "anything-but-ignore-case"; values: string[]; res: RegExp[] }
  | { kind: "anything-but-prefix"; values: string[] }
  | { kind: "anything-but-suffix"; values: string[] }
  | { kind: "anything-but-wildcard"; values: string[]; wildcards: Wildcard[] }
  | { kind: "numeric"; low: number; lowOpen: boolean; high: number; highOpen: boolean; display: unknown[] }
  | { kind: "cidr"; text: string; range: IpRange; numeric: boolean }
  | { kind: "exists" };

/** One field of a sub-rule: the flattened key ("detail.status") and its alternatives. */
export interface CompiledField {
  key: string;
  /** The field's id in the plan of the matcher that holds the rule (FieldPlan); -1 before. */
  id: number;
  /** JSON path of the field in the pattern, for messages. */
  path: string;
  matchers: Matcher[];
  /** `{"exists": false}` is one of the alternatives. */
  absent: boolean;
}

/** A conjunction of fields, sorted by key. */
export interface SubRule {
  fields: CompiledField[];
}

/** At most this many sub-rules after expanding `$or` (EventBridge's limit). */
export const MAX_COMBINATIONS = 1000;

/**
 * The highest wildcard complexity (see wildcardComplexity) EventBridge accepts for one
 * field's matcher. event-ruler leaves the limit to its caller; EventBridge's is not
 * documented. 10 is what the public record supports: EventBridge accepted three values
 * "*:stack/NAME/*" on one field (complexity 9) and rejected four (12) with the message
 * below (vals-ai/Valkyrie#278), and emulators that follow the service use 10.
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

/** EventBridge's reason for a pattern over MAX_WILDCARD_COMPLEXITY. */
export const TOO_COMPLEX =
  "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character";

/** Field names that cannot be used inside `$or` (event-ruler's reserved words). */
const RESERVED_IN_OR = new Set([
  "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
  "html", "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case", "date-after",
  "date-on-or-after", "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range",
  "ip-address-not-in-range",
]);

type Segs = (string | number)[];
type RuleMap = Map<string, CompiledField>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof RawNumber);
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof RawNumber || typeof value === "number") return "a number";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/** Reads a pattern given as an object or JSON text; text errors become InvalidPatternError. */
export function readPattern(pattern: unknown): unknown {
  if (typeof pattern !== "string") return pattern;
  try {
    return parseJson(pattern);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new InvalidPatternError("$", `not valid JSON (${error.message})`);
    throw error;
  }
}

/**
 * Compiles a pattern (object or JSON text) into sub-rules, or throws InvalidPatternError.
 *
 * "$or" is the or-operator; a pattern that is invalid read that way is read once more with
 * "$or" as an ordinary field name, everywhere in it, as event-ruler does for rules written
 * before the operator existed (GenericMachine.addRule falls back from JsonRuleCompiler to
 * RuleCompiler; README "The backward compatibility of using $or as field name"): so
 * `{"$or": {"a": ["1"]}}` is the field "$or.a" and `{"$or": [{"prefix": "a"}, {"suffix": "b"}]}`
 * the field "$or" with two alternatives. When both readings fail, the error is the
 * operator reading's, which says what is wrong with the $or.
 */
export function compileSubRules(pattern: unknown): SubRule[] {
  const root = readPattern(pattern);
  if (!isPlainObject(root)) throw new InvalidPatternError("$", `an event pattern must be a JSON object, not ${describeType(root)}`);
  let rules: SubRule[];
  try {
    rules = compileRoot(root, true);
  } catch (error) {
    if (!(error instanceof InvalidPatternError) || !hasOrKey(root, 0)) throw error;
    try {
      rules = compileRoot(root, false);
    } catch {
      throw error;
    }
  }
  checkWildcardComplexity(rules);
  return rules;
}

/** Whether "$or" is the or-operator in the pattern being compiled (see compileSubRules). */
let orOperator = true;

function compileRoot(root: Record<string, unknown>, withOr: boolean): SubRule[] {
  const rules: RuleMap[] = [];
  orOperator = withOr;
  try {
    parseObject(root, [], "", rules, false, 0);
  } finally {
    orOperator = true;
  }
  const subRules = rules.map((rule) => ({
    fields: [...rule.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  }));
  markNumericMachines(subRules);
  return subRules;
}

function isNumericMatcher(m: Matcher): boolean {
  return m.kind === "number" || m.kind === "numeric" || (m.kind === "anything-but" && m.numbers.length > 0);
}

function matcherKey(m: Matcher): string {
  return JSON.stringify(m, (k, v: unknown) => (v instanceof RegExp || v instanceof Uint8Array || k === "wildcard" || k === "wildcards" ? undefined : v instanceof Set ? [...v] : v));
}

/**
 * event-ruler reads a number as a number, and never as text an IP range could match, when
 * the field's value machine holds numeric patterns (ByteMachine.transitionOn, hasNumeric).
 * Sub-rules share that machine where they reach the field the same way: the same fields
 * before it, in key order, with the same alternatives (a Machine's name states). Sets each
 * ip and cidr alternative's `numeric` for the sub-rules given (one pattern, or a RuleSet).
 */
export function markNumericMachines(rules: readonly SubRule[]): void {
  if (!rules.some((rule) => rule.fields.some((field) => field.matchers.some((m) => m.kind === "ip" || m.kind === "cidr")))) return;
  const keys = machineKeys(rules);
  const numeric = new Set<string>();
  rules.forEach((rule, r) => rule.fields.forEach((field, f) => field.matchers.some(isNumericMatcher) && numeric.add(keys[r]![f]!)));
  rules.forEach((rule, r) => {
    rule.fields.forEach((field, f) => {
      const has = numeric.has(keys[r]![f]!);
      for (const m of field.matchers) if (m.kind === "ip" || m.kind === "cidr") m.numeric = has;
    });
  });
}

/**
 * For each field of each sub-rule, a key naming the event-ruler value machine it is
 * compiled into: the fields before it in key order, with their alternatives, and its key.
 */
function machineKeys(rules: readonly SubRule[]): string[][] {
  return rules.map((rule) => {
    let path = "";
    return rule.fields.map((field) => {
      const key = `${path}\u0000${field.key}`;
      path = `${key}\u0001${field.absent}\u0001${field.matchers.map(matcherKey).join("\u0002")}`;
      return key;
    });
  });
}

/** Rejects, as EventBridge does, a field whose wildcards make its matcher too complex. */
function checkWildcardComplexity(rules: readonly SubRule[]): void {
  if (!rules.some((rule) => rule.fields.some((field) => field.matchers.some((m) => m.kind === "wildcard" || m.kind === "anything-but-wildcard")))) return;
  const keys = machineKeys(rules);
  const machines = new Map<string, { path: string; patterns: string[][] }>();
  rules.forEach((rule, r) => {
    rule.fields.forEach((field, f) => {
      // One pattern per wildcard value, and one per anything-but wildcard list.
      const patterns: string[][] = [];
      for (const m of field.matchers) {
        if (m.kind === "wildcard") patterns.push([m.value]);
        else if (m.kind === "anything-but-wildcard") patterns.push(m.values);
      }
      if (patterns.length === 0) return;
      const key = keys[r]![f]!;
      const machine = machines.get(key);
      if (machine) machine.patterns.push(...patterns);
      else machines.set(key, { path: field.path, patterns });
    });
  });
  for (const { path, patterns } of machines.values()) {
    // The same pattern twice is one pattern in event-ruler (wildcard and anything-but apart).
    const unique = [...new Map(patterns.map((p) => [JSON.stringify(p), p])).values()];
    if (wildcardComplexity(unique, MAX_WILDCARD_COMPLEXITY) > MAX_WILDCARD_COMPLEXITY) throw new InvalidPatternError(path, TOO_COMPLEX);
  }
}

function hasOrKey(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.some((item) => hasOrKey(item, depth + 1));
  if (!isPlainObject(value)) return false;
  return Object.keys(value).some((key) => key === "$or" || hasOrKey(value[key], depth + 1));
}

function parseObject(obj: Record<string, unknown>, segs: Segs, prefix: string, rules: RuleMap[], inOr: boolean, depth: number): void {
  if (depth > MAX_DEPTH) throw new InvalidPatternError(jsonPath(segs), `nesting deeper than ${MAX_DEPTH} levels`);
  const keys = Object.keys(obj);
  if (keys.length === 0) throw new InvalidPatternError(jsonPath(segs), "empty objects are not allowed");
  for (const key of keys) {
    const value = obj[key];
    const here = [...segs, key];
    if (key === "$or" && orOperator) {
      parseOr(value, here, prefix, rules, depth);
      continue;
    }
    if (inOr && RESERVED_IN_OR.has(key)) {
      throw new InvalidPatternError(jsonPath(here), `"${key}" is a reserved word and cannot be a field name inside $or`);
    }
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (Array.isArray(value)) writeField(value, here, name, rules);
    else if (isPlainObject(value)) parseObject(value, here, name, rules, inOr, depth + 1);
    else {
      throw new InvalidPatternError(
        jsonPath(here),
        `must be an object or an array of values, not ${describeType(value)} (write ${JSON.stringify(key)}: [${JSON.stringify(value instanceof RawNumber ? Number(value.text) : value) ?? "..."}])`,
      );
    }
  }
}

function parseOr(value: unknown, segs: Segs, prefix: string, rules: RuleMap[], depth: number): void {
  if (!Array.isArray(value)) throw new InvalidPatternError(jsonPath(segs), "$or must be an array of objects");
  const current = rules.map((rule) => new Map(rule));
  rules.length = 0;
  value.forEach((branch, index) => {
    const here = [...segs, index];
    if (!isPlainObject(branch)) throw new InvalidPatternError(jsonPath(here), `only objects are allowed in $or, not ${describeType(branch)}`);
    const branchRules = current.length === 0 ? [new Map<string, CompiledField>()] : current.map((rule) => new Map(rule));
    parseObject(branch, here, prefix, branchRules, true, depth + 1);
    rules.push(...branchRules);
    if (rules.length > MAX_COMBINATIONS) {
      throw new InvalidPatternError(jsonPath(segs), `$or expands to more than ${MAX_COMBINATIONS} combinations; EventBridge allows at most ${MAX_COMBINATIONS}`);
    }
  });
  if (value.length < 2) throw new InvalidPatternError(jsonPath(segs), "$or needs at least 2 objects");
}

function writeField(values: unknown[], segs: Segs, name: string, rules: RuleMap[]): void {
  if (values.length === 0) throw new InvalidPatternError(jsonPath(segs), "empty arrays are not allowed");
  const matchers: Matcher[] = [];
  let absent = false;
  values.forEach((value, index) => {
    const here = [...segs, index];
    if (typeof value === "string") {
      const range = looksLikeIp(value) ? parseIp(value) : undefined;
      matchers.push(range ? { kind: "ip", text: value, range: addressRange(range), numeric: false } : { kind: "string", value });
    } else if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new InvalidPatternError(jsonPath(here), "a value must be a string, a number, true, false or null");
      // A number event-ruler cannot compare (5e-324, written as JSON) matches by its text, as in a text pattern.
      const text = JSON.stringify(value);
      matchers.push(isComparableNumber(value) ? { kind: "number", value, text } : { kind: "raw-number", text });
    } else if (value instanceof RawNumber) {
      matchers.push(value.comparable ? { kind: "number", value: Number(value.text), text: value.text } : { kind: "raw-number", text: value.text });
    } else if (value === true || value === false || value === null) {
      matchers.push({ kind: "literal", value: String(value) as "true" | "false" | "null" });
    } else if (isPlainObject(value)) {
      const matcher = parseOperator(value, here);
      if (matcher === "absent") absent = true;
      else matchers.push(matcher);
    } else {
      throw new InvalidPatternError(jsonPath(here), `a value must be a string, a number, true, false, null or an operator object, not ${describeType(value)}`);
    }
  });
  if (rules.length === 0) rules.push(new Map());
  // A field named twice (through $or or duplicate keys) keeps the last definition, as EventBridge does.
  for (const rule of rules) rule.set(name, { key: name, id: -1, path: jsonPath(segs), matchers, absent });
}

function onlyKey(obj: Record<string, unknown>, segs: Segs): string {
  const keys = Object.keys(obj);
  if (keys.length === 0) throw new InvalidPatternError(jsonPath(segs), "an operator object needs one operator (prefix, numeric, exists, ...)");
  if (keys.length > 1) throw new InvalidPatternError(jsonPath(segs), `only one operator allowed per object, found ${keys.map((k) => JSON.stringify(k)).join(", ")}`);
  return keys[0]!;
}

function needString(value: unknown, segs: Segs, what: string): string {
  if (typeof value !== "string") throw new InvalidPatternError(jsonPath(segs), `${what} must be a string, not ${describeType(value)}`);
  return value;
}

function exactNumber(value: unknown, segs: Segs, what: string): number {
  if (value instanceof RawNumber) {
    if (value.comparable) return Number(value.text);
    throw new InvalidPatternError(jsonPath(segs), `${value.text} cannot be compared: it is not exactly representable as a double`);
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InvalidPatternError(jsonPath(segs), `${what} must be a number, not ${describeType(value)}`);
  }
  if (!isComparableNumber(value)) {
    throw new InvalidPatternError(jsonPath(segs), `${JSON.stringify(value)} cannot be compared: it is not exactly representable as a double`);
  }
  return value;
}

function parseOperator(obj: Record<string, unknown>, segs: Segs): Matcher | "absent" {
  const op = onlyKey(obj, segs);
  const value = obj[op];
  const here = [...segs, op];
  switch (op) {
    case "exactly":
      return { kind: "string", value: needString(value, here, "exactly") };
    case "prefix":
    case "suffix": {
      if (isPlainObject(value)) {
        const inner = onlyKey(value, here);
        if (inner !== "equals-ignore-case") throw new InvalidPatternError(jsonPath([...here, inner]), `unsupported ${op} operator "${inner}" (only equals-ignore-case)`);
        const text = needString(value[inner], [...here, inner], "equals-ignore-case");
        return op === "prefix"
          ? { kind: "prefix-ignore-case", value: text, re: prefixIgnoreCaseRegExp(text) }
          : { kind: "suffix-ignore-case", value: text, re: suffixIgnoreCaseRegExp(text) };
      }
      const text = needString(value, here, op);
      return { kind: op, value: text, quoted: text.includes('"') };
    }
    case "equals-ignore-case": {
      const text = needString(value, here, "equals-ignore-case");
      return { kind: "equals-ignore-case", value: text, re: equalsIgnoreCaseRegExp(text) };
    }
    case "wildcard": {
      const text = needString(value, here, "wildcard");
      return { kind: "wildcard", value: text, wildcard: wildcardOrThrow(text, here) };
    }
    case "numeric":
      return parseNumeric(value, here);
    case "exists":
      if (value === true) return { kind: "exists" };
      if (value === false) return "absent";
      throw new InvalidPatternError(jsonPath(here), "exists must be true or false");
    case "cidr": {
      const text = needString(value, here, "cidr");
      try {
        return { kind: "cidr", text, range: parseCidr(text), numeric: false };
      } catch (error) {
        throw new InvalidPatternError(jsonPath(here), (error as Error).message);
      }
    }
    case "anything-but":
      return parseAnythingBut(value, here);
    default:
      throw new InvalidPatternError(
        jsonPath(here),
        `unknown operator "${op}" (operators: prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr)`,
      );
  }
}

function wildcardOrThrow(text: string, segs: Segs): Wildcard {
  try {
    return parseWildcard(text);
  } catch (error) {
    throw new InvalidPatternError(jsonPath(segs), (error as Error).message);
  }
}

function parseAnythingBut(value: unknown, segs: Segs): Matcher {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) throw new InvalidPatternError(jsonPath(segs), "anything-but needs an operator inside the object");
    const inner = keys[0]!;
    const here = [...segs, inner];
    if (!["equals-ignore-case", "prefix", "suffix", "wildcard"].includes(inner)) {
      throw new InvalidPatternError(jsonPath(here), `unsupported anything-but operator "${inner}" (use equals-ignore-case, prefix, suffix or wildcard)`);
    }
    const raw = value[inner];
    let list: unknown[];
    if (Array.isArray(raw)) list = raw;
    else if (typeof raw === "string") list = [raw];
    else if (typeof raw === "number" || raw instanceof RawNumber) {
      throw new InvalidPatternError(jsonPath(here), `anything-but ${inner} values must be strings, not a number`);
    } else throw new InvalidPatternError(jsonPath(here), `anything-but ${inner} must be a string or an array of strings, not ${describeType(raw)}`);
    const values = list.map((item, index) => {
      const at = Array.isArray(raw) ? [...here, index] : here;
      if (typeof item !== "string") throw new InvalidPatternError(jsonPath(at), `anything-but ${inner} values must be strings, not ${describeType(item)}`);
      if ((inner === "prefix" || inner === "suffix") && item === "") throw new InvalidPatternError(jsonPath(at), `an empty ${inner} is not allowed in anything-but`);
      return item;
    });
    if (keys.length > 1) throw new InvalidPatternError(jsonPath(segs), "only one operator allowed inside anything-but");
    switch (inner) {
      case "equals-ignore-case":
        return { kind: "anything-but-ignore-case", values, res: values.map(equalsIgnoreCaseRegExp) };
      case "prefix":
        return { kind: "anything-but-prefix", values };
      case "suffix":
        return { kind: "anything-but-suffix", values };
      default:
        return {
          kind: "anything-but-wildcard",
          values,
          wildcards: values.map((v, i) => wildcardOrThrow(v, Array.isArray(raw) ? [...here, i] : here)),
        };
    }
  }
  const list = Array.isArray(value) ? value : [value];
  if (!Array.isArray(value) && typeof value !== "string" && typeof value !== "number" && !(value instanceof RawNumber)) {
    throw new InvalidPatternError(jsonPath(segs), `anything-but must be a string, a number, an array or an object, not ${describeType(value)}`);
  }
  const strings = new Set<string>();
  const numbers: number[] = [];
  list.forEach((item, index) => {
    const at = Array.isArray(value) ? [...segs, index] : segs;
    if (typeof item === "string") strings.add(item);
    else if (typeof item === "number" || item instanceof RawNumber) numbers.push(exactNumber(item, at, "anything-but value"));
    else throw new InvalidPatternError(jsonPath(at), `anything-but values must be strings or numbers, not ${describeType(item)}`);
  });
  if (strings.size > 0 === numbers.length > 0) {
    throw new InvalidPatternError(
      jsonPath(segs),
      strings.size > 0 ? "anything-but values must be all strings or all numbers, not a mix" : "anything-but needs at least one value",
    );
  }
  return { kind: "anything-but", strings, numbers, display: list.map((v) => (v instanceof RawNumber ? Number(v.text) : v)) };
}

function parseNumeric(value: unknown, segs: Segs): Matcher {
  if (!Array.isArray(value)) throw new InvalidPatternError(jsonPath(segs), `numeric must be an array like [">", 0, "<=", 5], not ${describeType(value)}`);
  const at = (i: number) => [...segs, i];
  const op = value[0];
  if (typeof op !== "string") throw new InvalidPatternError(jsonPath(at(0)), "expected an operator (=, <, <=, >, >=) and a number");
  const display = value.map((v) => (v instanceof RawNumber ? Number(v.text) : v));
  const operand = (i: number, name: string) => {
    if (value.length <= i) throw new InvalidPatternError(jsonPath(segs), `"${name}" needs a number after it`);
    return exactNumber(value[i], at(i), `the value of "${name}"`);
  };
  const done = (length: number) => {
    if (value.length > length) throw new InvalidPatternError(jsonPath(at(length)), "too many elements in the numeric expression");
  };
  const check = (low: number, lowOpen: boolean, high: number, highOpen: boolean): Matcher => {
    if (!(low < high) && !(low === high && !lowOpen && !highOpen && value[0] === "=")) {
      throw new InvalidPatternError(jsonPath(segs), "the lower bound must be less than the upper bound");
    }
    return { kind: "numeric", low, lowOpen, high, highOpen, display };
  };
  switch (op) {
    case "=": {
      const v = operand(1, "=");
      done(2);
      return { kind: "numeric", low: v, lowOpen: false, high: v, highOpen: false, display };
    }
    case ">":
    case ">=": {
      const low = operand(1, op);
      if (value.length === 2) return check(low, op === ">", Number.MAX_VALUE, false);
      const op2 = value[2];
      if (typeof op2 !== "string") throw new InvalidPatternError(jsonPath(at(2)), `expected "<" or "<=" for the upper bound, not ${describeType(op2)}`);
      if (op2 !== "<" && op2 !== "<=") throw new InvalidPatternError(jsonPath(at(2)), `bad upper-bound operator "${op2}" (use "<" or "<=")`);
      const high = operand(3, op2);
      done(4);
      return check(low, op === ">", high, op2 === "<");
    }
    case "<":
    case "<=": {
      const high = operand(1, op);
      done(2);
      return check(-Number.MAX_VALUE, false, high, op === "<");
    }
    default:
      throw new InvalidPatternError(jsonPath(at(0)), `unknown numeric operator "${op}" (use =, <, <=, >, >=)`);
  }
}
