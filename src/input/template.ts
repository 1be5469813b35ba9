/**
 * Reading an InputTemplate the way the service does. A template whose first non-blank
 * character is `{` is a JSON template: an unquoted placeholder becomes the value's JSON,
 * a quoted one the value's JSON text inside the quotes. Any other template (a quoted
 * string, several quoted lines, a root array, bare text) is a text template: the values
 * are pasted in as text. Both readings were recorded against the service (see render.ts).
 */

/** Variables the service defines itself; they need no InputPathsMap entry (eb-transform-target-input). */
export const PREDEFINED_VARIABLES = [
  "aws.events.rule-arn",
  "aws.events.rule-name",
  "aws.events.event.ingestion-time",
  "aws.events.event",
  "aws.events.event.json",
] as const;

/** A predefined variable's name. */
export type PredefinedVariable = (typeof PREDEFINED_VARIABLES)[number];

/** The predefined variables that hold the event itself: PutTargets admits them only in a JSON template. */
export const EVENT_VARIABLES: readonly string[] = ["aws.events.event", "aws.events.event.json"];

export function isPredefinedVariable(name: string): name is PredefinedVariable {
  return (PREDEFINED_VARIABLES as readonly string[]).includes(name);
}

/** One `<name>` in a template. */
export interface TemplateSlot {
  name: string;
  /** Offsets of `<` and one past `>`. */
  start: number;
  end: number;
  /** Inside a JSON string literal of the template. */
  quoted: boolean;
  /** Used as an object key (`{"<k>": 1}` or `{<k>: 1}`). */
  asKey: boolean;
}

/** A template split into its placeholders. */
export interface TemplateReading {
  kind: "json" | "text";
  slots: TemplateSlot[];
}

// Names never hold quotes, brackets or blanks: a `<` that does not start such a name is text.
const PLACEHOLDER = /<([^<>"\s]+)>/y;

/** True when the service reads the template as JSON: it starts (after blanks) with `{`. */
export function isJsonTemplate(template: string): boolean {
  // Java's trim(): everything up to U+0020 is blank.
  return template.replace(/^[\u0000-\u0020]+/, "").startsWith("{");
}

/** Finds the placeholders and, for a JSON template, whether each is quoted or a key. */
export function readTemplate(template: string): TemplateReading {
  const slots: TemplateSlot[] = [];
  let inString = false;
  let escaped = false;
  let stringSlots: TemplateSlot[] = [];
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "<") {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(template);
      if (m) {
        const slot: TemplateSlot = { name: m[1]!, start: i, end: i + m[0].length, quoted: inString, asKey: false };
        slots.push(slot);
        if (inString) stringSlots.push(slot);
        else slot.asKey = followedByColon(template, slot.end);
        escaped = false;
        i = slot.end - 1;
        continue;
      }
    }
    if (!inString) {
      if (c === '"') {
        inString = true;
        stringSlots = [];
      }
    } else if (escaped) {
      escaped = false;
    } else if (c === "\\") {
      escaped = true;
    } else if (c === '"') {
      inString = false;
      if (stringSlots.length > 0 && followedByColon(template, i + 1)) for (const slot of stringSlots) slot.asKey = true;
    }
  }
  return { kind: isJsonTemplate(template) ? "json" : "text", slots };
}

function followedByColon(text: string, from: number): boolean {
  let i = from;
  while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  return text[i] === ":";
}

/** The template with every placeholder replaced, in order, by `replace(slot)`. */
export function fillTemplate(template: string, slots: readonly TemplateSlot[], replace: (slot: TemplateSlot) => string): string {
  let out = "";
  let last = 0;
  for (const slot of slots) {
    out += template.slice(last, slot.start) + replace(slot);
    last = slot.end;
  }
  return out + template.slice(last);
}
