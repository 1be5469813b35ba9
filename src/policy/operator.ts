/** Condition operator names, read (IAM JSON policy elements: Condition operators). */

/** The comparison an operator makes. */
export type Family = "String" | "Numeric" | "Date" | "Bool" | "Binary" | "Ip" | "Arn" | "Null";

/** An operator name, read: its comparison, whether it is negated, and its qualifiers. */
export interface Operator {
  family: Family;
  /** The comparison without qualifiers, e.g. `StringNotLike`. */
  base: string;
  negated: boolean;
  set: "ForAnyValue" | "ForAllValues" | null;
  ifExists: boolean;
}

const BASES: Record<string, { family: Family; negated?: true }> = {
  StringEquals: { family: "String" },
  StringNotEquals: { family: "String", negated: true },
  StringEqualsIgnoreCase: { family: "String" },
  StringNotEqualsIgnoreCase: { family: "String", negated: true },
  StringLike: { family: "String" },
  StringNotLike: { family: "String", negated: true },
  NumericEquals: { family: "Numeric" },
  NumericNotEquals: { family: "Numeric", negated: true },
  NumericLessThan: { family: "Numeric" },
  NumericLessThanEquals: { family: "Numeric" },
  NumericGreaterThan: { family: "Numeric" },
  NumericGreaterThanEquals: { family: "Numeric" },
  DateEquals: { family: "Date" },
  DateNotEquals: { family: "Date", negated: true },
  DateLessThan: { family: "Date" },
  DateLessThanEquals: { family: "Date" },
  DateGreaterThan: { family: "Date" },
  DateGreaterThanEquals: { family: "Date" },
  Bool: { family: "Bool" },
  BinaryEquals: { family: "Binary" },
  IpAddress: { family: "Ip" },
  NotIpAddress: { family: "Ip", negated: true },
  ArnEquals: { family: "Arn" },
  ArnLike: { family: "Arn" },
  ArnNotEquals: { family: "Arn", negated: true },
  ArnNotLike: { family: "Arn", negated: true },
  Null: { family: "Null" },
};

/** Reads an operator name; null for one IAM does not define (or this evaluator does not know). */
export function parseOperator(name: string): Operator | null {
  const qualified = /^(ForAnyValue|ForAllValues):(.+)$/.exec(name);
  const set = (qualified?.[1] as Operator["set"]) ?? null;
  let base = qualified?.[2] ?? name;
  // "You can add IfExists to the end of any condition operator name except the Null condition."
  const ifExists = base.endsWith("IfExists") && base !== "IfExists";
  if (ifExists) base = base.slice(0, -"IfExists".length);
  const known = BASES[base];
  if (!known || (base === "Null" && (ifExists || set))) return null;
  return { family: known.family, base, negated: known.negated ?? false, set, ifExists };
}
