/**
 * Inverted index over watches, so a story is fully evaluated only against watches that could match it.
 *
 * Each watch is filed under a set of keys such that any matching story must contain at least one of them:
 * a conjunction needs one key (its rarest indexable positive child), a disjunction needs keys for every
 * branch. Keys are stemmed words (`word:`), adjacent stem pairs from phrases (`pair:export control`, found by
 * walking the story's term sequence), title words (`title:`), `country:`, `instrument:` and `source:` values
 * (substring-matched by scanning the distinct source values, which are few). A watch with no such key
 * set (e.g. only negations, which the parser rejects) is checked for every story.
 */

import type { KeySpace } from './key-frequency.ts';
import { defaultFrequency } from './key-frequency.ts';
import { type CompiledQuery, compileQuery, matchedTerms, type PreparedStory } from './match.ts';
import type { QueryNode } from './query.ts';

export type { KeySpace } from './key-frequency.ts';

export interface WatchIndexOptions {
  /**
   * Estimated share (0..1) of stories containing a key such as `word:tariff`, `title:steel`, `country:CN`,
   * `instrument:tariff`, `source:xinhua`; lower = preferred as an index key. Undefined falls back to a
   * built-in guess. Pass document frequencies from a corpus for better keys.
   */
  keyFrequency?: (key: string) => number | undefined;
}

export interface WatchHit {
  watchId: string;
  /** Positive terms that matched, as written in the query. */
  terms: string[];
}

interface Entry {
  readonly id: string;
  readonly node: QueryNode;
  readonly test: CompiledQuery;
  readonly seq: number;
  readonly keys: readonly string[];
  /** Last match() call that collected this entry, to de-duplicate candidates. */
  stamp: number;
}

/** Watches filed under one key; `stamp` marks it visited by a match() call (a phrase can recur in a story). */
class Bucket extends Set<Entry> {
  stamp = 0;
}

interface KeyChoice {
  keys: string[];
  cost: number;
}

export class WatchIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly buckets: Record<Exclude<KeySpace, 'pair'>, Map<string, Bucket>> = {
    word: new Map(),
    title: new Map(),
    country: new Map(),
    instrument: new Map(),
    source: new Map(),
  };
  /** First stem → second stem → watches keyed on that adjacent pair. */
  private readonly pairs = new Map<string, Map<string, Bucket>>();
  private readonly always = new Bucket();
  private nextSeq = 0;
  private stamp = 0;
  private readonly frequency: (key: string) => number | undefined;
  /** Watches fully evaluated by the last match() call (for benchmarks and tuning). */
  lastCandidates = 0;

  constructor(opts: WatchIndexOptions = {}) {
    this.frequency = opts.keyFrequency ?? (() => undefined);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Adds or replaces a watch. */
  add(watchId: string, node: QueryNode): void {
    this.remove(watchId);
    const choice = this.choose(node);
    const keys = choice?.keys ?? [];
    const entry: Entry = {
      id: watchId,
      node,
      test: compileQuery(node),
      seq: this.nextSeq++,
      keys,
      stamp: 0,
    };
    this.entries.set(watchId, entry);
    if (choice === null) {
      this.always.add(entry);
      return;
    }
    for (const key of entry.keys) {
      const [space, value] = splitKey(key);
      const map = space === 'pair' ? this.pairMap(value, true)! : this.buckets[space];
      const slot = space === 'pair' ? value.slice(value.indexOf(' ') + 1) : value;
      let bucket = map.get(slot);
      if (bucket === undefined) {
        bucket = new Bucket();
        map.set(slot, bucket);
      }
      bucket.add(entry);
    }
  }

  /** Removes a watch; false when it was not indexed. */
  remove(watchId: string): boolean {
    const entry = this.entries.get(watchId);
    if (entry === undefined) return false;
    this.entries.delete(watchId);
    this.always.delete(entry);
    for (const key of entry.keys) {
      const [space, value] = splitKey(key);
      const map = space === 'pair' ? this.pairMap(value, false) : this.buckets[space];
      const slot = space === 'pair' ? value.slice(value.indexOf(' ') + 1) : value;
      const bucket = map?.get(slot);
      bucket?.delete(entry);
      if (bucket?.size === 0) map?.delete(slot);
      if (space === 'pair' && map?.size === 0) this.pairs.delete(value.slice(0, value.indexOf(' ')));
    }
    return true;
  }

  /** Inner map of the pair index for `first second`. */
  private pairMap(value: string, create: boolean): Map<string, Bucket> | undefined {
    const first = value.slice(0, value.indexOf(' '));
    let inner = this.pairs.get(first);
    if (inner === undefined && create) {
      inner = new Map();
      this.pairs.set(first, inner);
    }
    return inner;
  }

  /** The keys a watch is filed under (`word:steel`, `country:CN`…); empty when always checked. */
  keysOf(watchId: string): readonly string[] | undefined {
    return this.entries.get(watchId)?.keys;
  }

  /** Watches matching the story, in the order they were added. */
  match(prepared: PreparedStory): WatchHit[] {
    const stamp = ++this.stamp;
    const candidates: Entry[] = [];
    const visit = (bucket: Bucket | undefined): void => {
      if (bucket === undefined || bucket.stamp === stamp) return;
      bucket.stamp = stamp;
      for (const e of bucket) {
        if (e.stamp === stamp) continue;
        e.stamp = stamp;
        candidates.push(e);
      }
    };
    lookup(this.buckets.word, prepared.terms, visit);
    if (this.pairs.size > 0) {
      for (const seq of [prepared.seq, prepared.titleSeq]) {
        for (let i = 0; i + 1 < seq.length; i++) {
          const inner = this.pairs.get(seq[i]!);
          if (inner !== undefined) visit(inner.get(seq[i + 1]!));
        }
      }
    }
    lookup(this.buckets.title, prepared.titleTerms, visit);
    lookup(this.buckets.country, prepared.countries, visit);
    lookup(this.buckets.instrument, prepared.instruments, visit);
    if (prepared.sources.length > 0) {
      for (const [value, bucket] of this.buckets.source) {
        if (prepared.sources.some((s) => s.includes(value))) visit(bucket);
      }
    }
    visit(this.always);
    this.lastCandidates = candidates.length;

    const hits: Entry[] = [];
    for (const e of candidates) if (e.test(prepared)) hits.push(e);
    hits.sort((a, b) => a.seq - b.seq);
    return hits.map((e) => ({ watchId: e.id, terms: matchedTerms(e.node, prepared) }));
  }

  private cost(space: KeySpace, value: string): number {
    return this.frequency(`${space}:${value}`) ?? defaultFrequency(space, value);
  }

  /** Cheapest key set that every matching story must hit at least once; null when there is none. */
  private choose(node: QueryNode): KeyChoice | null {
    switch (node.kind) {
      case 'text': {
        const space: KeySpace = node.scope === 'title' ? 'title' : 'word';
        let best: KeyChoice | null = null;
        const consider = (sp: KeySpace, value: string): void => {
          const cost = this.cost(sp, value);
          if (best === null || cost < best.cost) best = { keys: [`${sp}:${value}`], cost };
        };
        node.stems.forEach((s, i) => {
          consider(space, s);
          if (space === 'word' && i > 0) consider('pair', `${node.stems[i - 1]} ${s}`);
        });
        return best;
      }
      case 'source':
        return { keys: [`source:${node.value}`], cost: this.cost('source', node.value) };
      case 'country':
        return { keys: [`country:${node.code}`], cost: this.cost('country', node.code) };
      case 'instrument':
        return { keys: [`instrument:${node.instrument}`], cost: this.cost('instrument', node.instrument) };
      case 'not':
        return null;
      case 'and': {
        let best: KeyChoice | null = null;
        for (const c of node.children) {
          const choice = this.choose(c);
          if (choice !== null && (best === null || choice.cost < best.cost)) best = choice;
        }
        return best;
      }
      case 'or': {
        const keys = new Set<string>();
        let cost = 0;
        for (const c of node.children) {
          const choice = this.choose(c);
          if (choice === null) return null;
          for (const k of choice.keys) keys.add(k);
          cost += choice.cost;
        }
        return { keys: [...keys], cost };
      }
    }
  }
}

function splitKey(key: string): [KeySpace, string] {
  const i = key.indexOf(':');
  return [key.slice(0, i) as KeySpace, key.slice(i + 1)];
}

/** Visits buckets for the story's values, iterating whichever side is smaller. */
function lookup<T extends string>(
  map: Map<string, Bucket>,
  values: ReadonlySet<T>,
  visit: (bucket: Bucket | undefined) => void,
): void {
  if (map.size === 0 || values.size === 0) return;
  if (values.size <= map.size) {
    for (const v of values) visit(map.get(v));
  } else {
    for (const [k, bucket] of map) if (values.has(k as T)) visit(bucket);
  }
}
