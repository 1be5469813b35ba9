/**
 * Many rules against one event, as a bus does it. Rules are indexed by the exact values
 * of their most selective field (or pair of fields), so an event is checked only against
 * the rules that can possibly match it, plus the few rules that have no exact-valued field.
 * All rules share one field plan, so the event is read once, only where some rule looks.
 *
 * A RuleSet answers as one event-ruler Machine holding all its rules. In two corners that
 * differs from each pattern alone, as it does in event-ruler: an event key that is a step
 * only another rule uses is read (GenericMachine.isFieldStepUsed, see plan.ts), and a
 * number is not tried against an IP range when another rule reaching the field the same
 * way has a numeric pattern (see markNumericMachines).
 */
import { compileSubRules, markNumericMachines, type CompiledField, type SubRule } from "./compile.js";
import { ValueKind, type FlatValue } from "./flatten.js";
import { matchSubRule } from "./match.js";
import { FieldPlan, planRules } from "./plan.js";
import { EventValues, readEventValues } from "./scan.js";

interface Entry {
  name: string;
  rule: SubRule;
  /** The rule's position among the names (the order of the answer). */
  order: number;
  /** The sub-rule's position among all sub-rules (for "already checked"). */
  id: number;
}

/** Posting lists of one field, by the kind of exact value (strings by their StringTable number). */
interface FieldIndex {
  field: number;
  strings: Map<number, Entry[]>;
  numbers: Map<number, Entry[]>;
  rawNumbers: Map<string, Entry[]>;
  literals: Map<string, Entry[]>;
}

/**
 * Sub-rules indexed by the string values of two fields at once (e.g. source and detail-type),
 * by the values' StringTable numbers: one Map keyed by a × symbols + b (a Map per first value
 * costs a cache miss per lookup), and a table of the first values present.
 */
interface PairIndex {
  a: number;
  b: number;
  firsts: Uint8Array;
  map: Map<number, Entry[]>;
}

type IndexKey = ["strings", string] | ["numbers", number] | ["rawNumbers", string] | ["literals", string];

/** The exact values of a field usable as index keys, or undefined when the field has other alternatives. */
function indexKeys(field: CompiledField): IndexKey[] | undefined {
  if (field.absent || field.matchers.length === 0) return undefined;
  const keys: IndexKey[] = [];
  for (const m of field.matchers) {
    if (m.kind === "string") keys.push(["strings", m.value]);
    else if (m.kind === "number") keys.push(["numbers", m.value === 0 ? 0 : m.value]);
    else if (m.kind === "raw-number") keys.push(["rawNumbers", m.text]);
    else if (m.kind === "literal") keys.push(["literals", m.value]);
    else return undefined;
  }
  return keys;
}

function stringValues(keys: IndexKey[]): string[] | undefined {
  const out: string[] = [];
  for (const [kind, value] of keys) {
    if (kind !== "strings") return undefined;
    out.push(value);
  }
  return out;
}

/** A set of named rules; `matchingRules(event)` answers which of them the event hits. */
export class RuleSet {
  private entries: Entry[] = [];
  private names = new Map<string, number>();
  private dirty = true;
  private index: FieldIndex[] = [];
  private pairs: PairIndex[] = [];
  private unindexed: Entry[] = [];
  private values = new EventValues(new FieldPlan());
  private seen = new Uint32Array(0);
  private matched = new Uint32Array(0);
  private stamp = 0;
  private nameList: string[] = [];
  private hits: number[] = [];
  /** Number of interned strings (the stride of pair keys). */
  private symbols = 0;

  /** Adds a rule; adding the same name again adds an alternative ("or") to that rule. */
  add(name: string, pattern: object | string): this {
    const rules = compileSubRules(pattern);
    let order = this.names.get(name);
    if (order === undefined) {
      order = this.names.size;
      this.names.set(name, order);
    }
    for (const rule of rules) this.entries.push({ name, rule, order, id: 0 });
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
    const values = this.values;
    readEventValues(event, values);
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.matched.fill(0);
      this.stamp = 1;
    }
    const byField = values.values;
    const hits = this.hits;
    hits.length = 0;
    for (let p = 0; p < this.pairs.length; p++) {
      const pair = this.pairs[p]!;
      const va = byField[pair.a]!;
      if (va.length === 0) continue;
      const vb = byField[pair.b]!;
      if (vb.length === 0) continue;
      // A string no rule names has no number (-1): nothing to look up.
      for (let i = 0; i < va.length; i++) {
        const sa = va[i]!.sym;
        if (sa < 0 || pair.firsts[sa] === 0) continue;
        const base = sa * this.symbols;
        for (let j = 0; j < vb.length; j++) {
          const sb = vb[j]!.sym;
          if (sb < 0) continue;
          const list = pair.map.get(base + sb);
          if (list !== undefined) this.consider(list);
        }
      }
    }
    for (let f = 0; f < this.index.length; f++) {
      const fieldIndex = this.index[f]!;
      const list = byField[fieldIndex.field]!;
      for (let j = 0; j < list.length; j++) this.postings(fieldIndex, list[j]!);
    }
    this.consider(this.unindexed);
    if (hits.length === 0) return [];
    if (hits.length > 1) hits.sort((a, b) => a - b);
    const out = new Array<string>(hits.length);
    for (let i = 0; i < hits.length; i++) out[i] = this.nameList[hits[i]!]!;
    return out;
  }

  private postings(index: FieldIndex, v: FlatValue): void {
    let list: Entry[] | undefined;
    if (v.kind === ValueKind.String) {
      if (v.sym >= 0) list = index.strings.get(v.sym);
    }
    else if (v.kind === ValueKind.Number) {
      if (!Number.isNaN(v.num)) {
        list = index.numbers.get(v.num);
        if (list !== undefined) this.consider(list);
      }
      list = index.rawNumbers.get(v.text);
    } else list = index.literals.get(v.text);
    if (list !== undefined) this.consider(list);
  }

  /** Checks each candidate once per event, and each rule name's first match only. */
  private consider(list: Entry[]): void {
    const stamp = this.stamp;
    const seen = this.seen;
    const matched = this.matched;
    const values = this.values;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]!;
      if (seen[entry.id] === stamp) continue;
      seen[entry.id] = stamp;
      if (matched[entry.order] === stamp) continue;
      if (matchSubRule(entry.rule, values.values, values.members)) {
        matched[entry.order] = stamp;
        this.hits.push(entry.order);
      }
    }
  }

  private build(): void {
    // Renumber rule order after removals.
    const orders = new Map<string, number>();
    [...this.names.keys()].forEach((name, i) => orders.set(name, i));
    this.names = orders;
    for (const e of this.entries) e.order = orders.get(e.name)!;

    // One plan for all rules: event-ruler's "used steps" are those of the whole machine.
    const plan = new FieldPlan();
    for (const e of this.entries) planRules([e.rule], plan);
    markNumericMachines(this.entries.map((e) => e.rule));
    // Intern every exact string value first: pair keys need the final count.
    for (const e of this.entries) {
      for (const f of e.rule.fields) {
        for (const m of f.matchers) if (m.kind === "string") plan.symbols.add(m.value);
      }
    }
    const symbols = plan.symbols.size;
    this.symbols = symbols;
    const sym = (field: number, value: string) => {
      plan.interned[field] = true;
      return plan.symbols.get(value);
    };

    const countKey = (field: number, k: IndexKey) => `${field}\u0000${k[0]}\u0000${String(k[1])}`;
    const counts = new Map<string, number>();
    for (const e of this.entries) {
      for (const f of e.rule.fields) {
        const keys = indexKeys(f);
        if (keys) for (const k of keys) counts.set(countKey(f.id, k), (counts.get(countKey(f.id, k)) ?? 0) + 1);
      }
    }
    const byField = new Map<number, FieldIndex>();
    const pairs = new Map<string, PairIndex>();
    this.unindexed = [];
    this.entries.forEach((e, i) => (e.id = i));
    this.seen = new Uint32Array(this.entries.length);
    this.matched = new Uint32Array(this.names.size);
    this.nameList = [...this.names.keys()];
    this.stamp = 0;
    for (const e of this.entries) {
      // Index each sub-rule under its rarest exact-valued field: few candidates per event.
      const candidates: { field: CompiledField; keys: IndexKey[]; cost: number }[] = [];
      for (const f of e.rule.fields) {
        const keys = indexKeys(f);
        if (!keys) continue;
        candidates.push({ field: f, keys, cost: keys.reduce((sum, k) => sum + (counts.get(countKey(f.id, k)) ?? 0), 0) });
      }
      candidates.sort((x, y) => x.cost - y.cost);
      const best = candidates[0];
      const second = candidates[1];
      const sa = best && stringValues(best.keys);
      const sb = second && stringValues(second.keys);
      if (best && second && sa && sb && sa.length * sb.length <= 64) {
        const id = `${best.field.id}\u0000${second.field.id}`;
        let pair = pairs.get(id);
        if (!pair) pairs.set(id, (pair = { a: best.field.id, b: second.field.id, firsts: new Uint8Array(symbols), map: new Map() }));
        for (const x of sa) {
          const kx = sym(best.field.id, x);
          pair.firsts[kx] = 1;
          for (const y of sb) {
            const key = kx * symbols + sym(second.field.id, y);
            const list = pair.map.get(key);
            if (list) list.push(e);
            else pair.map.set(key, [e]);
          }
        }
        continue;
      }
      if (!best) {
        this.unindexed.push(e);
        continue;
      }
      let fieldIndex = byField.get(best.field.id);
      if (!fieldIndex) {
        fieldIndex = { field: best.field.id, strings: new Map(), numbers: new Map(), rawNumbers: new Map(), literals: new Map() };
        byField.set(best.field.id, fieldIndex);
      }
      for (const [kind, value] of best.keys) {
        const key = kind === "strings" ? sym(best.field.id, value) : value;
        const map = fieldIndex[kind] as Map<string | number, Entry[]>;
        const list = map.get(key);
        if (list) list.push(e);
        else map.set(key, [e]);
      }
    }
    this.index = [...byField.values()];
    this.pairs = [...pairs.values()];
    // Created once the plan knows which fields to intern.
    this.values = new EventValues(plan);
    this.dirty = false;
  }
}
