/**
 * CloudFormation's intrinsic functions, evaluated statically: what a template's values
 * are before deploy. Everything that only deploy time knows becomes an `Unresolved`
 * marker naming the function and its argument; nothing is guessed.
 */
import { isObject, isUnresolved, NO_VALUE, Unresolved, type Value } from "./values.js";

/** What a template's values are evaluated against. */
export interface Scope {
  /** A parameter's value (or a pseudo parameter's); undefined when there is no such parameter. */
  parameter(name: string): Value | undefined;
  /** A condition's truth; a marker when it rests on an unknown value; undefined when there is no such condition. */
  condition(name: string): boolean | Unresolved | undefined;
  /** `Ref` of a resource of this template; undefined when there is no such resource. */
  ref(logicalId: string): Value | undefined;
  /** `Fn::GetAtt` of a resource of this template; undefined when there is no such resource. */
  getAtt(logicalId: string, attribute: string): Value | undefined;
  /** `Fn::FindInMap`. */
  mapping(map: string, top: string, second: string): Value | undefined;
  /** `Fn::ImportValue`: an export of another template given, else a marker. */
  importValue(name: string): Value;
}

/** A template that breaks CloudFormation's own rules (an unknown logical id, a malformed function). */
export class TemplateError extends Error {}

const FUNCTIONS = new Set([
  "Ref",
  "Fn::GetAtt",
  "Fn::Sub",
  "Fn::Join",
  "Fn::Select",
  "Fn::Split",
  "Fn::If",
  "Fn::ImportValue",
  "Fn::FindInMap",
  "Fn::Equals",
  "Fn::Not",
  "Fn::And",
  "Fn::Or",
  "Condition",
  "Fn::Base64",
  "Fn::GetAZs",
  "Fn::Cidr",
  "Fn::ToJsonString",
  "Fn::Length",
  "Fn::Transform",
]);

/** The intrinsic function a value is, when it is one: an object with a single key naming it. */
export function intrinsicOf(value: unknown): { name: string; argument: Value } | null {
  if (!isObject(value)) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !FUNCTIONS.has(keys[0]!)) return null;
  return { name: keys[0]!, argument: value[keys[0]!]! };
}

/** How a function reads in a message, in the short form people write: "!ImportValue SharedBusName". */
export function shortForm(name: string, argument: unknown): string {
  const short = name === "Ref" ? "!Ref" : name === "Condition" ? "!Condition" : `!${name.replace(/^Fn::/, "")}`;
  const text = typeof argument === "string" ? argument : Array.isArray(argument) && name === "Fn::GetAtt" ? argument.join(".") : JSON.stringify(argument, (_, v) => (isUnresolved(v) ? v.what : v));
  return `${short} ${text}`;
}

/** Evaluates every intrinsic function in `value`; `AWS::NoValue` removes properties and list elements. */
export function resolveValue(value: Value, scope: Scope, where: string): Value {
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, scope, where)).filter((item) => item !== NO_VALUE);
  if (!isObject(value)) return value;
  const fn = intrinsicOf(value);
  if (fn) return call(fn.name, fn.argument, scope, where);
  const out: Record<string, Value> = {};
  for (const [key, item] of Object.entries(value)) {
    const resolved = resolveValue(item, scope, `${where}.${key}`);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

function bad(where: string, message: string): never {
  throw new TemplateError(`${where}: ${message}`);
}

function asText(value: Value, where: string, fn: string): string | Unresolved {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isUnresolved(value)) return value;
  return bad(where, `${fn} expects a string here, not ${JSON.stringify(value)}`);
}

function call(name: string, raw: Value, scope: Scope, where: string): Value {
  switch (name) {
    case "Ref": {
      const target = resolveValue(raw, scope, where);
      if (typeof target !== "string") return isUnresolved(target) ? target : bad(where, `!Ref expects a name, not ${JSON.stringify(target)}`);
      const parameter = scope.parameter(target);
      if (parameter !== undefined) return parameter;
      const ref = scope.ref(target);
      if (ref !== undefined) return ref;
      return bad(where, `!Ref ${target}: no parameter or resource of that name in the template`);
    }
    case "Fn::GetAtt": {
      const argument = resolveValue(typeof raw === "string" ? (raw.split(/\.(.*)/s, 2) as Value[]) : raw, scope, where);
      if (!Array.isArray(argument) || argument.length !== 2) return bad(where, `!GetAtt expects LogicalId.Attribute, not ${JSON.stringify(raw)}`);
      const [id, attribute] = argument;
      if (isUnresolved(id)) return id;
      if (isUnresolved(attribute)) return attribute;
      if (typeof id !== "string" || typeof attribute !== "string") return bad(where, `!GetAtt expects LogicalId.Attribute, not ${JSON.stringify(raw)}`);
      const value = scope.getAtt(id, attribute);
      if (value === undefined) return bad(where, `!GetAtt ${id}.${attribute}: no resource ${id} in the template`);
      return value;
    }
    case "Fn::Sub":
      return sub(raw, scope, where);
    case "Fn::Join": {
      const argument = resolveValue(raw, scope, where);
      if (!Array.isArray(argument) || argument.length !== 2) return bad(where, "!Join expects [delimiter, [values]]");
      const [delimiter, list] = argument;
      if (isUnresolved(list)) return list;
      if (!Array.isArray(list)) return bad(where, "!Join expects a list of values");
      const parts = [delimiter!, ...list].map((part) => asText(part, where, "!Join"));
      const unknown = parts.find(isUnresolved);
      if (unknown) return unknown;
      return (parts.slice(1) as string[]).join(parts[0] as string);
    }
    case "Fn::Select": {
      const argument = resolveValue(raw, scope, where);
      if (!Array.isArray(argument) || argument.length !== 2) return bad(where, "!Select expects [index, [values]]");
      const [index, list] = argument;
      if (isUnresolved(index)) return index;
      if (isUnresolved(list)) return list;
      if (!Array.isArray(list)) return bad(where, "!Select expects a list of values");
      const n = Number(index);
      if (!Number.isInteger(n) || n < 0 || n >= list.length) return bad(where, `!Select index ${String(index)} is outside the list (${list.length} values)`);
      return list[n]!;
    }
    case "Fn::Split": {
      const argument = resolveValue(raw, scope, where);
      if (!Array.isArray(argument) || argument.length !== 2) return bad(where, "!Split expects [delimiter, string]");
      const [delimiter, text] = argument.map((part) => asText(part!, where, "!Split"));
      if (isUnresolved(delimiter)) return delimiter;
      if (isUnresolved(text)) return text;
      return (text as string).split(delimiter as string);
    }
    case "Fn::If": {
      if (!Array.isArray(raw) || raw.length !== 3 || typeof raw[0] !== "string") return bad(where, "!If expects [condition, value if true, value if false]");
      const truth = scope.condition(raw[0]);
      if (truth === undefined) return bad(where, `!If ${raw[0]}: no condition of that name in the template`);
      if (isUnresolved(truth)) return new Unresolved(`!If ${raw[0]}`, `condition ${raw[0]} rests on ${truth.describe()}`);
      return resolveValue(truth ? raw[1]! : raw[2]!, scope, where);
    }
    case "Fn::ImportValue": {
      const exportName = asText(resolveValue(raw, scope, where), where, "!ImportValue");
      if (isUnresolved(exportName)) return new Unresolved(`!ImportValue`, `its export name rests on ${exportName.describe()}`);
      return scope.importValue(exportName);
    }
    case "Fn::FindInMap": {
      const argument = resolveValue(raw, scope, where);
      if (!Array.isArray(argument) || argument.length < 3) return bad(where, "!FindInMap expects [map, top-level key, second-level key]");
      const keys = argument.slice(0, 3).map((part) => asText(part!, where, "!FindInMap"));
      const unknown = keys.find(isUnresolved);
      if (unknown) return new Unresolved(shortForm(name, argument.slice(0, 3)), `a key rests on ${unknown.describe()}`);
      const [map, top, second] = keys as string[];
      const value = scope.mapping(map!, top!, second!);
      if (value !== undefined) return value;
      const fallback = argument[3];
      if (isObject(fallback) && "DefaultValue" in fallback) return fallback.DefaultValue!;
      return bad(where, `!FindInMap ${map}.${top}.${second}: no such entry in Mappings`);
    }
    case "Fn::Equals":
    case "Fn::Not":
    case "Fn::And":
    case "Fn::Or":
    case "Condition": {
      const truth = evaluateCondition({ [name]: raw }, scope, where);
      return truth;
    }
    case "Fn::Base64":
      return resolveValue(raw, scope, where);
    case "Fn::ToJsonString": {
      const value = resolveValue(raw, scope, where);
      const unknown = findMarker(value);
      return unknown ?? JSON.stringify(value);
    }
    case "Fn::Length": {
      const value = resolveValue(raw, scope, where);
      if (isUnresolved(value)) return value;
      return Array.isArray(value) ? value.length : bad(where, "!Length expects a list");
    }
    default:
      // Fn::GetAZs, Fn::Cidr, Fn::Transform: answered by the service at deploy time.
      return new Unresolved(shortForm(name, raw), "answered by CloudFormation at deploy time");
  }
}

function findMarker(value: Value): Unresolved | null {
  if (isUnresolved(value)) return value;
  if (Array.isArray(value)) return value.map(findMarker).find((m) => m !== null) ?? null;
  if (isObject(value)) return Object.values(value).map(findMarker).find((m) => m !== null) ?? null;
  return null;
}

/** `Fn::Sub`, both forms: a string with ${Name}, ${Resource.Attribute} and ${!Literal}, or [string, {Name: value}]. */
function sub(raw: Value, scope: Scope, where: string): Value {
  let template: Value;
  let variables: Record<string, Value> = {};
  if (Array.isArray(raw)) {
    if (raw.length !== 2 || !isObject(raw[1])) return bad(where, "!Sub expects a string, or [string, {Name: value}]");
    template = resolveValue(raw[0]!, scope, where);
    variables = resolveValue(raw[1], scope, where) as Record<string, Value>;
  } else {
    template = raw;
  }
  if (isUnresolved(template)) return template;
  if (typeof template !== "string") return bad(where, "!Sub expects a string");
  let out = "";
  const pattern = /\$\{([^}]*)\}/g;
  let last = 0;
  for (const match of template.matchAll(pattern)) {
    out += template.slice(last, match.index);
    last = match.index! + match[0].length;
    const name = match[1]!.trim();
    if (name.startsWith("!")) {
      out += `\${${name.slice(1)}}`;
      continue;
    }
    let value: Value | undefined;
    if (Object.prototype.hasOwnProperty.call(variables, name)) value = variables[name];
    else if (name.includes(".") && !name.startsWith("AWS::")) {
      const [id, attribute] = name.split(/\.(.*)/s, 2) as [string, string];
      value = scope.getAtt(id, attribute);
      if (value === undefined) return bad(where, `!Sub \${${name}}: no resource ${id} in the template`);
    } else {
      value = scope.parameter(name) ?? scope.ref(name);
      if (value === undefined) return bad(where, `!Sub \${${name}}: no parameter or resource of that name in the template`);
    }
    const text = asText(value!, where, "!Sub");
    if (isUnresolved(text)) return text;
    out += text;
  }
  return out + template.slice(last);
}

/** A condition's truth: Fn::Equals, Fn::Not, Fn::And, Fn::Or and Condition, over known values. */
export function evaluateCondition(raw: Value, scope: Scope, where: string): boolean | Unresolved {
  const fn = intrinsicOf(raw);
  if (!fn) {
    if (typeof raw === "boolean") return raw;
    if (raw === "true" || raw === "false") return raw === "true";
    return bad(where, `a condition must be Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition, not ${JSON.stringify(raw)}`);
  }
  const list = (value: Value): Value[] => (Array.isArray(value) ? value : bad(where, `${fn.name} expects a list`));
  switch (fn.name) {
    case "Condition": {
      if (typeof fn.argument !== "string") return bad(where, "Condition expects a condition name");
      const truth = scope.condition(fn.argument);
      if (truth === undefined) return bad(where, `Condition ${fn.argument}: no condition of that name in the template`);
      return truth;
    }
    case "Fn::Equals": {
      const [a, b] = list(fn.argument).map((item) => resolveValue(item, scope, where));
      const unknown = [a, b].find(isUnresolved);
      if (unknown) return unknown;
      return JSON.stringify(normalize(a!)) === JSON.stringify(normalize(b!));
    }
    case "Fn::Not": {
      const [inner] = list(fn.argument);
      const truth = evaluateCondition(inner!, scope, where);
      return isUnresolved(truth) ? truth : !truth;
    }
    case "Fn::And":
    case "Fn::Or": {
      const truths = list(fn.argument).map((item) => evaluateCondition(item, scope, where));
      const decisive = fn.name === "Fn::And" ? false : true;
      if (truths.includes(decisive)) return decisive;
      const unknown = truths.find(isUnresolved);
      return unknown ?? !decisive;
    }
    default: {
      const value = resolveValue(raw, scope, where);
      if (typeof value === "boolean") return value;
      if (isUnresolved(value)) return value;
      return bad(where, `a condition must be true or false, not ${JSON.stringify(value)}`);
    }
  }
}

/** CloudFormation compares values as strings: 1 equals "1". */
function normalize(value: Value): Value {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return value;
}
