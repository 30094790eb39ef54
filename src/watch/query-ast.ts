import type { TradeInstrument } from '../domain.ts';

/** Syntax tree of a watch query (see query.ts for the language). */

/** A word or phrase, anywhere in the story (`any`) or in its title only (`title:`). */
export interface TextNode {
  readonly kind: 'text';
  readonly scope: 'any' | 'title';
  /** True for quoted phrases (and bare tokens that split into several words, e.g. `u.s./china`). */
  readonly phrase: boolean;
  /** Stemmed content words, in order. */
  readonly stems: readonly string[];
  /** Lower-cased words for display (stopwords kept). */
  readonly display: string;
  /** As the user wrote it, e.g. `Tariffs`, `"export controls"`, `title:steel`. */
  readonly raw: string;
}
export interface SourceNode {
  readonly kind: 'source';
  /** Lower-cased; matches as a substring of a source name. */
  readonly value: string;
  readonly raw: string;
}
export interface CountryNode {
  readonly kind: 'country';
  /** ISO 3166-1 alpha-2, or "EU". */
  readonly code: string;
  readonly raw: string;
}
export interface InstrumentNode {
  readonly kind: 'instrument';
  readonly instrument: TradeInstrument;
  readonly raw: string;
}
export interface NotNode {
  readonly kind: 'not';
  readonly child: QueryNode;
}
export interface AndNode {
  readonly kind: 'and';
  readonly children: readonly QueryNode[];
}
export interface OrNode {
  readonly kind: 'or';
  readonly children: readonly QueryNode[];
}
export type LeafNode = TextNode | SourceNode | CountryNode | InstrumentNode;
export type QueryNode = LeafNode | NotNode | AndNode | OrNode;

/** True when the node can only match a story that contains at least one of its positive terms. */
export function isPositive(node: QueryNode): boolean {
  switch (node.kind) {
    case 'not':
      return false;
    case 'and':
      return node.children.some(isPositive);
    case 'or':
      return node.children.every(isPositive);
    default:
      return true;
  }
}

const BARE = /^[^\s()"“”]+$/;

function formatLeaf(node: LeafNode): string {
  switch (node.kind) {
    case 'text': {
      const body = node.phrase ? `"${node.display}"` : node.display;
      return node.scope === 'title' ? `title:${body}` : body;
    }
    case 'source':
      return BARE.test(node.value) ? `source:${node.value}` : `source:"${node.value}"`;
    case 'country':
      return `country:${node.code}`;
    case 'instrument':
      return `instrument:${node.instrument}`;
  }
}

/** Canonical text of a query (lower-cased words, resolved fields, minimal parentheses); parses back to the same tree. */
export function formatQuery(node: QueryNode): string {
  switch (node.kind) {
    case 'not':
      return node.child.kind === 'and' || node.child.kind === 'or'
        ? `-(${formatQuery(node.child)})`
        : `-${formatQuery(node.child)}`;
    case 'and':
      return node.children.map((c) => (c.kind === 'or' ? `(${formatQuery(c)})` : formatQuery(c))).join(' ');
    case 'or':
      return node.children.map(formatQuery).join(' OR ');
    default:
      return formatLeaf(node);
  }
}

/** Positive leaves (not under a NOT), in query order. */
export function positiveLeaves(node: QueryNode, out: LeafNode[] = []): LeafNode[] {
  if (node.kind === 'and' || node.kind === 'or') for (const c of node.children) positiveLeaves(c, out);
  else if (node.kind !== 'not') out.push(node);
  return out;
}
