/**
 * Many rules against one event, as a bus does it. Rules are indexed by the exact values
 * of one of their fields (the rarest one), so an event is checked only against the rules
 * that can possibly match it, plus the few rules that have no exact-valued field.
 */
import { compileSubRules, type CompiledField, type SubRule } from "./compile.js";
import { flattenEvent, ValueKind, type FlatValue } from "./flatten.js";
import { matchSubRule } from "./match.js";

interface Entry {
  name: string;
  rule: SubRule;
  order: number;
}

function indexKeys(field: CompiledField): string[] | undefined {
  if (field.absent || field.matchers.length === 0) return undefined;
  const keys: string[] = [];
  for (const m of field.matchers) {
    if (m.kind === "string") keys.push(`s${m.value}`);
    else if (m.kind === "number") keys.push(`n${String(m.value)}`);
    else if (m.kind === "raw-number") keys.push(`r${m.text}`);
    else if (m.kind === "literal") keys.push(`l${m.value}`);
    else return undefined;
  }
  return keys;
}

function valueKeys(v: FlatValue, out: string[]): void {
  if (v.kind === ValueKind.String) out.push(`s${v.text}`);
  else if (v.kind === ValueKind.Number) {
    if (!Number.isNaN(v.num)) out.push(`n${String(v.num)}`);
    out.push(`r${v.text}`);
  } else out.push(`l${v.text}`);
}

/** A set of named rules; `matchingRules(event)` answers which of them the event hits. */
export class RuleSet {
  private entries: Entry[] = [];
  private names = new Map<string, number>();
  private dirty = true;
  private index = new Map<string, Map<string, Entry[]>>();
  private unindexed: Entry[] = [];
  private wanted = new Set<string>();
  private seen = new Uint32Array(0);
  private stamp = 0;

  /** Adds a rule; adding the same name again adds an alternative ("or") to that rule. */
  add(name: string, pattern: object | string): this {
    const rules = compileSubRules(pattern);
    let order = this.names.get(name);
    if (order === undefined) {
      order = this.names.size;
      this.names.set(name, order);
    }
    for (const rule of rules) this.entries.push({ name, rule, order });
    this.dirty = true;
    return this;
  }

  /** Removes every pattern added under this name; false when there was none. */
  remove(name: string): boolean {
    if (!this.names.has(name)) return false;
    this.names.delete(name);
    this.entries = this.entries.filter((e) => e.name !== name);
    this.dirty = true;
    return true;
  }

  /** Rule names, in the order they were first added. */
  get ruleNames(): string[] {
    return [...this.names.keys()];
  }

  get size(): number {
    return this.names.size;
  }

  /** The names of the rules the event matches, in the order the rules were added. */
  matchingRules(event: object | string): string[] {
    if (this.dirty) this.build();
    const flat = flattenEvent(event, this.wanted);
    const stamp = ++this.stamp;
    if (stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const hits = new Set<number>();
    const check = (entry: Entry, id: number) => {
      if (this.seen[id] === this.stamp) return;
      this.seen[id] = this.stamp;
      if (!hits.has(entry.order) && matchSubRule(entry.rule, flat)) hits.add(entry.order);
    };
    const keys: string[] = [];
    for (const [field, byValue] of this.index) {
      const values = flat.fields.get(field);
      if (values === undefined) continue;
      for (const v of values) {
        keys.length = 0;
        valueKeys(v, keys);
        for (const key of keys) {
          const list = byValue.get(key);
          if (list) for (const entry of list) check(entry, this.entryIds.get(entry)!);
        }
      }
    }
    for (const entry of this.unindexed) check(entry, this.entryIds.get(entry)!);
    if (hits.size === 0) return [];
    const names = this.ruleNames;
    return [...hits].sort((a, b) => a - b).map((order) => names[order]!);
  }

  private entryIds = new Map<Entry, number>();

  private build(): void {
    // Renumber rule order after removals.
    const orders = new Map<string, number>();
    [...this.names.keys()].forEach((name, i) => orders.set(name, i));
    this.names = orders;
    for (const e of this.entries) e.order = orders.get(e.name)!;

    const counts = new Map<string, number>();
    for (const e of this.entries) {
      for (const f of e.rule.fields) {
        const keys = indexKeys(f);
        if (keys) for (const k of keys) counts.set(`${f.key}\u0000${k}`, (counts.get(`${f.key}\u0000${k}`) ?? 0) + 1);
      }
    }
    this.index = new Map();
    this.unindexed = [];
    this.wanted = new Set();
    this.entryIds = new Map();
    this.entries.forEach((e, i) => this.entryIds.set(e, i));
    this.seen = new Uint32Array(this.entries.length);
    this.stamp = 0;
    for (const e of this.entries) {
      let best: { field: CompiledField; keys: string[]; cost: number } | undefined;
      for (const f of e.rule.fields) {
        for (const step of f.key.split(".")) this.wanted.add(step);
        const keys = indexKeys(f);
        if (!keys) continue;
        const cost = keys.reduce((sum, k) => sum + (counts.get(`${f.key}\u0000${k}`) ?? 0), 0);
        if (!best || cost < best.cost) best = { field: f, keys, cost };
      }
      if (!best) {
        this.unindexed.push(e);
        continue;
      }
      let byValue = this.index.get(best.field.key);
      if (!byValue) this.index.set(best.field.key, (byValue = new Map()));
      for (const k of best.keys) {
        const list = byValue.get(k);
        if (list) list.push(e);
        else byValue.set(k, [e]);
      }
    }
    this.dirty = false;
  }
}
