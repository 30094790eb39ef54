/**
 * A strict parser for the YAML subset deploy/compose.yaml is written in (no YAML library is among
 * the dependencies): block mappings and sequences by indentation, plain, 'single'- and
 * "double"-quoted scalars, flow sequences of scalars (`["a", "b"]`), comments. Anything else —
 * tabs, anchors and aliases, merge keys, block scalars, flow mappings, duplicate keys, bad
 * indentation — is an error naming the line, so the file cannot drift into YAML this check does not
 * understand.
 */
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  no: number;
  indent: number;
  text: string;
}

export class YamlSubsetError extends Error {}

function stripComment(raw: string, no: number): string {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || raw[i - 1] === ' ')) return raw.slice(0, i).trimEnd();
  }
  if (quote) throw new YamlSubsetError(`line ${no}: unterminated quote`);
  return raw.trimEnd();
}

function scalar(src: string, no: number): YamlValue {
  const s = src.trim();
  if (s === '' || s === '~' || s === 'null') return null;
  if (s.startsWith('"')) {
    if (!s.endsWith('"') || s.length < 2) throw new YamlSubsetError(`line ${no}: bad double-quoted scalar`);
    return JSON.parse(s) as string;
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new YamlSubsetError(`line ${no}: bad single-quoted scalar`);
    return s.slice(1, -1).replaceAll("''", "'");
  }
  if (s.startsWith('[')) {
    if (!s.endsWith(']')) throw new YamlSubsetError(`line ${no}: flow sequence must end on its line`);
    const inner = s.slice(1, -1).trim();
    if (inner === '') return [];
    // Split on commas outside quotes.
    const parts: string[] = [];
    let cur = '';
    let quote: string | null = null;
    for (let i = 0; i < inner.length; i++) {
      const ch = inner[i]!;
      if (quote) {
        cur += ch;
        if (ch === '\\' && quote === '"') cur += inner[++i] ?? '';
        else if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'") {
        quote = ch;
        cur += ch;
      } else if (ch === ',') {
        parts.push(cur);
        cur = '';
      } else cur += ch;
    }
    parts.push(cur);
    // A trailing comma is allowed.
    if (parts.length > 1 && parts[parts.length - 1]!.trim() === '') parts.pop();
    return parts.map((p) => {
      const v = scalar(p, no);
      if (typeof v !== 'string') throw new YamlSubsetError(`line ${no}: only scalars in flow sequences`);
      return v;
    });
  }
  if (/^[&*!|>{]/.test(s) || s.startsWith('<<')) {
    throw new YamlSubsetError(`line ${no}: "${s.slice(0, 20)}" is outside the supported subset`);
  }
  return s;
}

/** `key: rest` → [key, rest]; null when the text is not a mapping entry. */
function entry(text: string): [string, string] | null {
  const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'#:[\]{},][^:#]*?)\s*:(?:\s+(.*))?$/.exec(text);
  if (!m) return null;
  const key = m[1]!.startsWith('"') || m[1]!.startsWith("'") ? String(scalar(m[1]!, 0)) : m[1]!;
  return [key, m[2] ?? ''];
}

/** True when `text` leaves a `[` open (outside quotes). */
function open(text: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']') depth--;
  }
  return depth > 0;
}

export function parseYamlSubset(src: string): YamlValue {
  const lines: Line[] = [];
  src.split('\n').forEach((raw, i) => {
    const no = i + 1;
    if (raw.includes('\t')) throw new YamlSubsetError(`line ${no}: tab`);
    const text = stripComment(raw, no);
    if (text.trim() === '') return;
    if (text.trim() === '---' || text.trim() === '...')
      throw new YamlSubsetError(`line ${no}: one document only`);
    const prev = lines[lines.length - 1];
    // A flow sequence may span lines (formatters break long ones): continue the open one.
    if (prev && open(prev.text)) prev.text = `${prev.text} ${text.trim()}`;
    else lines.push({ no, indent: text.length - text.trimStart().length, text: text.trim() });
  });
  const last = lines[lines.length - 1];
  if (last && open(last.text)) throw new YamlSubsetError(`line ${last.no}: unclosed [`);
  let pos = 0;

  function block(indent: number): YamlValue {
    const first = lines[pos];
    if (!first || first.indent < indent) return null;
    if (first.indent !== indent) throw new YamlSubsetError(`line ${first.no}: unexpected indentation`);
    return first.text.startsWith('- ') || first.text === '-' ? sequence(indent) : mapping(indent);
  }

  function mapping(indent: number, seed?: { key: string; rest: string; no: number }): YamlValue {
    const out: { [key: string]: YamlValue } = {};
    const put = (key: string, rest: string, no: number, childIndent: number) => {
      if (Object.hasOwn(out, key)) throw new YamlSubsetError(`line ${no}: duplicate key "${key}"`);
      if (rest !== '') out[key] = scalar(rest, no);
      else {
        const next = lines[pos];
        // A sequence may sit at the key's own indentation (compose files do this).
        if (next && next.indent === indent && next.text.startsWith('- ')) out[key] = sequence(indent);
        else if (next && next.indent > indent && next.text.startsWith('[')) {
          pos++;
          out[key] = scalar(next.text, next.no);
        } else out[key] = next && next.indent > indent ? block(next.indent) : null;
      }
      void childIndent;
    };
    if (seed) put(seed.key, seed.rest, seed.no, indent);
    while (pos < lines.length) {
      const l = lines[pos]!;
      if (l.indent < indent) break;
      if (l.indent > indent) throw new YamlSubsetError(`line ${l.no}: unexpected indentation`);
      if (l.text.startsWith('- ')) break;
      const kv = entry(l.text);
      if (!kv) throw new YamlSubsetError(`line ${l.no}: expected "key: value"`);
      pos++;
      put(kv[0], kv[1], l.no, indent);
    }
    return out;
  }

  function sequence(indent: number): YamlValue {
    const out: YamlValue[] = [];
    while (pos < lines.length) {
      const l = lines[pos]!;
      if (l.indent !== indent || !(l.text.startsWith('- ') || l.text === '-')) break;
      pos++;
      const rest = l.text === '-' ? '' : l.text.slice(2).trim();
      const kv = rest === '' ? null : entry(rest);
      if (kv) {
        // "- key: value" opens a mapping whose keys sit two columns right of the dash.
        out.push(mapping(indent + 2, { key: kv[0], rest: kv[1], no: l.no }));
      } else if (rest === '') {
        const next = lines[pos];
        out.push(next && next.indent > indent ? block(next.indent) : null);
      } else out.push(scalar(rest, l.no));
    }
    return out;
  }

  const doc = block(0);
  if (pos < lines.length) throw new YamlSubsetError(`line ${lines[pos]!.no}: unexpected content`);
  return doc;
}
