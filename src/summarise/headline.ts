/**
 * Headline compression for the offline summariser: a news sentence becomes a headline by dropping
 * its dateline, attribution and time adverbials, then cutting at a clause or word boundary.
 */

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
const DAYS = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight|overnight)';
/** "WASHINGTON, March 3 (Reuters) -" and the like. */
export const DATELINE =
  /^[A-Z][A-Z .,'’/-]{2,40}?(?:,? [A-Z][a-z]{2,8}\.? \d{1,2})?,?\s*(?:\([^)]{1,30}\))?\s*[-–—]+\s+/;
/** ", President Trump said Tuesday at the White House" (up to the next comma), ", according to …". */
const TRAILING_ATTRIBUTION = new RegExp(
  `,["”]?\\s+(?:[^,]{1,60}?\\s)?(?:said|says|told [^,]{1,40}|announced|reported)(?:\\s+(?:on\\s+|late\\s+|early\\s+)?${DAYS})?(?:\\s+(?:at|in|on) [^,]{1,40})?(?=,|$|\\.)|,\\s+according to [^,]{1,60}(?=,|$|\\.)`,
);
/** "on Tuesday", "early on Friday": true of the event, noise in a headline. */
const WHEN = new RegExp(`\\s+(?:(?:early|late) )?on ${DAYS}\\b`, 'g');
/** "The ministry said on Tuesday that …" becomes "The ministry says …". */
const LEADING_ATTRIBUTION = new RegExp(
  `^([^,"“]{3,60}?) (?:said|says)(?: on)?(?: ${DAYS})?(?: that)? (?=\\S)`,
);
const TRAILING_STOPWORDS =
  /(?:\s+(?:and|or|but|the|a|an|of|to|in|on|at|for|with|by|from|as|that|which|while|its|their|his|her|is|are|was|were))+$/i;

/** Turn a sentence into a headline: no dateline or attribution, at most `max` chars, no final punctuation. */
export function compressHeadline(sentence: string, max = 110): string {
  let s = squash(sentence)
    .replace(DATELINE, '')
    .replace(/\s*\([^)]{0,60}\)/g, '');
  const trailing = TRAILING_ATTRIBUTION.exec(s);
  if (trailing && s.slice(0, trailing.index).split(' ').length >= 4) s = s.slice(0, trailing.index);
  s = fitClause(s.replace(LEADING_ATTRIBUTION, '$1 says ').replace(WHEN, ''), max, '');
  if ((s.match(/["“”]/g)?.length ?? 0) % 2 === 1) s = s.replace(/["“”]/g, '');
  s = s.replace(/[\s.,;:!?'"”’-]+$/, '');
  if (/\b(?:[A-Z]\.)+[A-Z]$/.test(s)) s += '.'; // keep the acronym whole: "U.S.", not "U.S"
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The last word in the text that opens a phrase (the lookahead keeps the match the last one). */
const PHRASE_START =
  / (?:on|in|for|to|with|after|as|amid|while|and|but|at|over|against|under|into|which) (?!.* (?:on|in|for|to|with|after|as|amid|while|and|but|at|over|against|under|into|which) )/;

/** Cut text to at most `max` chars: at a clause boundary when that keeps enough, else at a word. */
export function fitClause(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  const room = text.slice(0, max - ellipsis.length + 1);
  const clause = Math.max(room.lastIndexOf('; '), room.lastIndexOf(', '), room.lastIndexOf(' - '));
  // Else before a preposition or conjunction ("… a moratorium | on customs duties"), else at a word.
  const phrase = PHRASE_START.exec(room);
  const cut =
    clause >= max * 0.5 ? clause : phrase && phrase.index >= max * 0.5 ? phrase.index : room.lastIndexOf(' ');
  const head = text.slice(0, cut > 0 ? cut : max - ellipsis.length).replace(TRAILING_STOPWORDS, '');
  return `${head.replace(/[\s,;:-]+$/, '')}${ellipsis}`;
}
