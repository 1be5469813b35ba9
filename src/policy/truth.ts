/**
 * Three-valued logic for answers the evaluator cannot always settle: a condition on a key the
 * request may or may not carry, an operator it does not implement, an unresolvable variable.
 */

/** `true`, `false`, or `"unknown"` when the evaluator cannot tell. */
export type Match = boolean | "unknown";

/** True when one is true; unknown when none is true but one is unknown. */
export function anyOf(values: readonly Match[]): Match {
  if (values.includes(true)) return true;
  return values.includes("unknown") ? "unknown" : false;
}

/** False when one is false; unknown when none is false but one is unknown. */
export function allOf(values: readonly Match[]): Match {
  if (values.includes(false)) return false;
  return values.includes("unknown") ? "unknown" : true;
}

/** The negation; unknown stays unknown. */
export function not(value: Match): Match {
  return value === "unknown" ? value : !value;
}
