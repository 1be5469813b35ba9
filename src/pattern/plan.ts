/**
 * The fields a set of rules reads, as a tree of path steps, so an event reader descends
 * only into the keys some rule names and skips the rest of the event unread.
 *
 * Field names are flattened the way event-ruler's Path does it: the steps joined with
 * ".", so `{"a": {"b": ...}}` and `{"a.b": ...}` name the same field "a.b", in patterns and
 * in events alike, and an empty key is an empty step (`{"": {"b": ...}}` in an event is
 * ".b"). Splitting a name on every "." gives its steps, so an event key with dots walks
 * several steps at once.
 *
 * event-ruler also skips, before anything else, an event key that is not a "step used" by
 * some rule (GenericMachine.isFieldStepUsed): the steps are the rule field names split the
 * way Java's String.split does it, which drops trailing empty strings — so the empty last
 * step of a field like "a." is never a used step, and `{"a": {"": "x"}}` is skipped. The
 * tree keeps that quirk, per set of rules (a Machine holds one such set).
 */
import type { SubRule } from "./compile.js";

/** One path step of the tree. */
export interface PlanNode {
  /** The next steps, by key. */
  readonly children: Map<string, PlanNode>;
  /** The same, as arrays, for matching a key in the text without copying it. */
  readonly keys: string[];
  readonly nodes: PlanNode[];
  /** The id of the field that ends here, or -1. */
  field: number;
  /** The object (a reader's counter) this key was last seen in, to notice a repeated key. */
  seenIn: number;
  /** Some key here holds a control character (which JSON text must escape). */
  controlKeys: boolean;
  /** Bit n set when a key here has length n (bit 31: 31 or more), to pass over other keys at once. */
  lengths: number;
  /** Some child has children, so an event key with dots could walk to a field from here. */
  deep: boolean;
}

function newNode(): PlanNode {
  return { children: new Map(), keys: [], nodes: [], field: -1, seenIn: 0, controlKeys: false, lengths: 0, deep: false };
}

/** The bit of a key length in PlanNode.lengths. */
export function lengthBit(length: number): number {
  return 1 << Math.min(length, 31);
}

/** Java's `name.split("\\.")`: like JavaScript's split, without the trailing empty strings. */
export function javaSplit(name: string): string[] {
  if (name === "") return [""];
  const parts = name.split(".");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** The fields of a set of rules, each with a small integer id. */
export class FieldPlan {
  readonly root: PlanNode = newNode();
  /** Field keys by id. */
  readonly keys: string[] = [];
  /** event-ruler's used steps. */
  readonly steps = new Set<string>();
  /** Interned string values (see StringTable), and which fields' string values are looked up there. */
  readonly symbols = new StringTable();
  readonly interned: boolean[] = [];
  private readonly ids = new Map<string, number>();

  /** The id of a field key, adding it when new. */
  add(key: string): number {
    let id = this.ids.get(key);
    if (id !== undefined) return id;
    id = this.keys.length;
    this.keys.push(key);
    this.interned.push(false);
    this.ids.set(key, id);
    for (const step of javaSplit(key)) this.steps.add(step);
    let node = this.root;
    for (const step of key.split(".")) {
      let next = node.children.get(step);
      if (next === undefined) {
        next = newNode();
        node.children.set(step, next);
        node.keys.push(step);
        node.nodes.push(next);
        node.lengths |= lengthBit(step.length);
        if (/[\u0000-\u001f]/.test(step)) node.controlKeys = true;
      }
      node = next;
    }
    node.field = id;
    this.markDeep(this.root);
    return id;
  }

  private markDeep(node: PlanNode): void {
    node.deep = node.nodes.some((child) => child.nodes.length > 0);
    for (const child of node.nodes) this.markDeep(child);
  }

  /** Field id of a key, or -1. */
  idOf(key: string): number {
    return this.ids.get(key) ?? -1;
  }

  /** event-ruler's isFieldStepUsed for an event key. */
  isStepUsed(key: string): boolean {
    if (this.steps.has(key)) return true;
    if (!key.includes(".")) return false;
    return javaSplit(key).every((step) => this.steps.has(step));
  }

  /** The node reached from `node` by an event key (one step, or several when it has dots). */
  child(node: PlanNode, key: string): PlanNode | undefined {
    const next = node.children.get(key);
    // Only an empty step can be missing from the used steps (a non-empty step of a name
    // survives Java's split).
    if (next !== undefined) return key !== "" || this.steps.has("") ? next : undefined;
    if (!key.includes(".") || !this.isStepUsed(key)) return undefined;
    let at: PlanNode | undefined = node;
    for (const step of key.split(".")) {
      at = at.children.get(step);
      if (at === undefined) return undefined;
    }
    return at;
  }
}

/** Adds the fields of the sub-rules to a plan and gives each field its id there. */
export function planRules(rules: readonly SubRule[], plan: FieldPlan = new FieldPlan()): FieldPlan {
  for (const rule of rules) for (const field of rule.fields) field.id = plan.add(field.key);
  return plan;
}

/**
 * Interned strings: the exact string values rules index on, each with a small number, found
 * from the event text in place (hashing the characters where they are) instead of hashing a
 * freshly cut string in a Map, which is most of what an index lookup costs.
 */
export class StringTable {
  private keys: (string | undefined)[] = new Array<string | undefined>(16);
  private ids = new Int32Array(16);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The number of a string, adding it when new. */
  add(s: string): number {
    const found = this.get(s);
    if (found >= 0) return found;
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    this.insert(s, this.count);
    return this.count++;
  }

  /** The number of a string, or -1. */
  get(s: string): number {
    const mask = this.keys.length - 1;
    for (let i = hashString(s) & mask; ; i = (i + 1) & mask) {
      const key = this.keys[i];
      if (key === undefined) return -1;
      if (key === s) return this.ids[i]!;
    }
  }

  /** The number of the string t[start, end), or -1, without cutting it out of t. */
  getRange(t: string, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let p = start; p < end; p++) h = Math.imul(h ^ t.charCodeAt(p), 0x01000193);
    const mask = this.keys.length - 1;
    const length = end - start;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const key = this.keys[i];
      if (key === undefined) return -1;
      if (key.length === length && t.startsWith(key, start)) return this.ids[i]!;
    }
  }

  private insert(s: string, id: number): void {
    const mask = this.keys.length - 1;
    let i = hashString(s) & mask;
    while (this.keys[i] !== undefined) i = (i + 1) & mask;
    this.keys[i] = s;
    this.ids[i] = id;
  }

  private grow(): void {
    const old = this.keys;
    const oldIds = this.ids;
    this.keys = new Array<string | undefined>(old.length * 2);
    this.ids = new Int32Array(old.length * 2);
    old.forEach((key, i) => {
      if (key !== undefined) this.insert(key, oldIds[i]!);
    });
  }
}

/** FNV-1a over UTF-16 code units (the same as StringTable.getRange computes in place). */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let p = 0; p < s.length; p++) h = Math.imul(h ^ s.charCodeAt(p), 0x01000193);
  return h;
}
