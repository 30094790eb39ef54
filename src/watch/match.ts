/** Evaluates watch queries against stories. Tokenise a story once (`prepareStory`), then test many queries. */
import type { TradeInstrument } from '../domain.ts';
import { terms } from '../text/tokens.ts';
import type { QueryNode } from './query.ts';

export interface MatchableStory {
  id: string;
  title: string;
  /** Headline, summary and article bodies. */
  text: string;
  /** Source names, e.g. "Reuters", "Xinhua". */
  sources: string[];
  /** ISO 3166-1 alpha-2 codes (and "EU"). */
  countries: string[];
  instruments: TradeInstrument[];
}

export interface QueryMatch {
  matched: boolean;
  /** Positive terms that matched, as the user wrote them, in query order (empty when not matched). */
  terms: string[];
}

/** A story tokenised for matching: stemmed term sets and sequences (for phrases), normalised fields. */
export class PreparedStory {
  readonly id: string;
  /** Stemmed content terms of title and text. */
  readonly terms: ReadonlySet<string>;
  readonly titleTerms: ReadonlySet<string>;
  /** Lower-cased source names. */
  readonly sources: readonly string[];
  readonly countries: ReadonlySet<string>;
  readonly instruments: ReadonlySet<TradeInstrument>;
  /** Stemmed content terms of the text, in order (stopwords removed). */
  readonly seq: readonly string[];
  /** Stemmed content terms of the title, in order. */
  readonly titleSeq: readonly string[];
  /** Term → positions in `seq`; built on the first phrase test. */
  private positions: Map<string, number[]> | undefined = undefined;

  constructor(s: MatchableStory) {
    this.id = s.id;
    this.seq = terms(s.text);
    this.titleSeq = terms(s.title);
    this.titleTerms = new Set(this.titleSeq);
    const all = new Set(this.seq);
    for (const t of this.titleSeq) all.add(t);
    this.terms = all;
    this.sources = s.sources.map((x) => x.toLowerCase().replace(/\s+/g, ' ').trim());
    this.countries = new Set(s.countries.map((c) => c.toUpperCase()));
    this.instruments = new Set(s.instruments);
  }

  /** True when the stems occur consecutively (stopwords skipped), in the title only or anywhere. */
  hasPhrase(stems: readonly string[], scope: 'any' | 'title'): boolean {
    const set = scope === 'title' ? this.titleTerms : this.terms;
    for (const s of stems) if (!set.has(s)) return false;
    if (stems.length === 1) return true;
    if (scope === 'any') {
      const seq = this.seq;
      for (const start of this.positionsOf(stems[0]!)) {
        if (runsAt(seq, start, stems)) return true;
      }
    }
    const title = this.titleSeq;
    for (let i = 0; i + stems.length <= title.length; i++) if (runsAt(title, i, stems)) return true;
    return false;
  }

  private positionsOf(term: string): readonly number[] {
    if (this.positions === undefined) {
      const m = new Map<string, number[]>();
      this.seq.forEach((t, i) => {
        const list = m.get(t);
        if (list === undefined) m.set(t, [i]);
        else list.push(i);
      });
      this.positions = m;
    }
    return this.positions.get(term) ?? [];
  }
}

function runsAt(seq: readonly string[], start: number, stems: readonly string[]): boolean {
  if (start + stems.length > seq.length) return false;
  for (let k = 0; k < stems.length; k++) if (seq[start + k] !== stems[k]) return false;
  return true;
}

export function prepareStory(s: MatchableStory): PreparedStory {
  return new PreparedStory(s);
}

/** Boolean evaluation with short-circuiting; the fast path for candidates. */
export function testQuery(node: QueryNode, p: PreparedStory): boolean {
  switch (node.kind) {
    case 'text':
      if (node.stems.length === 1)
        return (node.scope === 'title' ? p.titleTerms : p.terms).has(node.stems[0]!);
      return p.hasPhrase(node.stems, node.scope);
    case 'source':
      for (const s of p.sources) if (s.includes(node.value)) return true;
      return false;
    case 'country':
      return p.countries.has(node.code);
    case 'instrument':
      return p.instruments.has(node.instrument);
    case 'not':
      return !testQuery(node.child, p);
    case 'and':
      for (const c of node.children) if (!testQuery(c, p)) return false;
      return true;
    case 'or':
      for (const c of node.children) if (testQuery(c, p)) return true;
      return false;
  }
}

export type CompiledQuery = (p: PreparedStory) => boolean;

/** testQuery as a tree of closures: same result, several times faster for queries evaluated often. */
export function compileQuery(node: QueryNode): CompiledQuery {
  switch (node.kind) {
    case 'text': {
      const { stems, scope } = node;
      const first = stems[0]!;
      if (stems.length > 1) return (p) => p.hasPhrase(stems, scope);
      return scope === 'title' ? (p) => p.titleTerms.has(first) : (p) => p.terms.has(first);
    }
    case 'source': {
      const value = node.value;
      return (p) => p.sources.some((s) => s.includes(value));
    }
    case 'country': {
      const code = node.code;
      return (p) => p.countries.has(code);
    }
    case 'instrument': {
      const instrument = node.instrument;
      return (p) => p.instruments.has(instrument);
    }
    case 'not': {
      const child = compileQuery(node.child);
      return (p) => !child(p);
    }
    case 'and': {
      const fs = node.children.map(compileQuery);
      if (fs.length === 2) {
        const [a, b] = fs as [CompiledQuery, CompiledQuery];
        return (p) => a(p) && b(p);
      }
      return (p) => fs.every((f) => f(p));
    }
    case 'or': {
      const fs = node.children.map(compileQuery);
      if (fs.length === 2) {
        const [a, b] = fs as [CompiledQuery, CompiledQuery];
        return (p) => a(p) || b(p);
      }
      return (p) => fs.some((f) => f(p));
    }
  }
}

/** Evaluates and records the positive leaves that made the match (all OR branches are tried). */
function collect(node: QueryNode, p: PreparedStory, out: string[]): boolean {
  switch (node.kind) {
    case 'not':
      return !testQuery(node.child, p);
    case 'and': {
      const mark = out.length;
      for (const c of node.children) {
        if (!collect(c, p, out)) {
          out.length = mark;
          return false;
        }
      }
      return true;
    }
    case 'or': {
      let any = false;
      for (const c of node.children) if (collect(c, p, out)) any = true;
      return any;
    }
    default:
      if (!testQuery(node, p)) return false;
      out.push(node.raw);
      return true;
  }
}

/** The positive terms behind a match, de-duplicated, in query order; call only when testQuery is true. */
export function matchedTerms(node: QueryNode, prepared: PreparedStory): string[] {
  const out: string[] = [];
  collect(node, prepared, out);
  return out.length > 1 ? [...new Set(out)] : out;
}

export function matchQuery(node: QueryNode, prepared: PreparedStory): QueryMatch {
  if (!testQuery(node, prepared)) return { matched: false, terms: [] };
  return { matched: true, terms: matchedTerms(node, prepared) };
}
