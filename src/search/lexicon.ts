/**
 * Word lists for question handling (src/search/question-terms.ts). Plain data.
 */

/** Words that shape a question but say nothing about its topic. */
export const QUESTION_FILLER: ReadonlySet<string> = new Set(
  `tell know say saying happen happened happens happening news latest recent recently anything something
thing things think put please explain describe update updates get got give me ask question questions
much many kind sort let like way ever yet`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Country ↔ demonym, capital and abbreviation; every form maps to the first (canonical) one when
 * matching words. Multi-word forms are folded to the code before tokenising (see MULTIWORD_CODES).
 */
export const ALIAS_GROUPS: readonly (readonly string[])[] = [
  ['us', 'u.s', 'usa', 'american', 'united states', 'washington'],
  ['uk', 'u.k', 'britain', 'british', 'united kingdom'],
  ['eu', 'e.u', 'european union', 'european', 'brussels', 'ec', 'european community'],
  ['china', 'chinese', 'beijing'],
  ['japan', 'japanese', 'tokyo'],
  ['mexico', 'mexican'],
  ['canada', 'canadian', 'ottawa'],
  ['russia', 'russian', 'moscow'],
  ['india', 'indian'],
  ['korea', 'korean'],
  ['germany', 'german'],
  ['france', 'french'],
  ['brazil', 'brazilian'],
  ['vietnam', 'vietnamese'],
  ['taiwan', 'taiwanese'],
  ['australia', 'australian'],
  ['turkey', 'turkish'],
  ['indonesia', 'indonesian'],
];

/** Multi-word names replaced by their code before tokenising, so "United States" is one term. */
export const MULTIWORD_CODES: Readonly<Record<string, string>> = {
  'united states': 'US',
  'united kingdom': 'UK',
  'european union': 'EU',
  'european community': 'EC',
};

/**
 * What FTS5 is asked for, where that differs from the alias group. "U.S." tokenises to `u` + `s`,
 * and `s` is in every possessive, so the phrase "u s" walks the largest posting list in the index;
 * the bare token `u` finds the same passages (plus U.K./U.N., which the answerer tells apart) at a
 * fraction of the cost. Frequent, vaguer forms ("american", "european") are left out for the same
 * reason; the answerer still folds them into US/EU when reading sentences.
 */
export const SEARCH_FORMS: Readonly<Record<string, readonly string[]>> = {
  us: ['us', 'u', 'usa', 'united states'],
  // Bare "european" (European steelmakers, European Central Bank) is common and vague.
  eu: ['eu', 'ec', 'european union', 'european commission', 'european community', 'brussels'],
};

/** Irregular verb forms Porter stemming cannot join to their base ("spoke" ≠ "speak"), and words news uses for one another. */
export const IRREGULAR: readonly (readonly string[])[] = [
  ['negotiations', 'negotiation', 'negotiate', 'negotiated', 'talks'],
  ['appoint', 'appointed', 'choose', 'chose', 'chosen', 'select', 'selected', 'nominate', 'nominated'],
  ['speak', 'spoke', 'spoken'],
  ['meet', 'met'],
  ['buy', 'bought'],
  ['sell', 'sold'],
  ['take', 'took', 'taken'],
  ['rise', 'rose', 'risen'],
  ['fall', 'fell', 'fallen'],
  ['win', 'won'],
  ['hold', 'held'],
  ['pay', 'paid'],
  ['grow', 'grew', 'grown'],
  ['seek', 'sought'],
  ['bring', 'brought'],
  ['strike', 'struck'],
  ['lead', 'led'],
  ['keep', 'kept'],
  ['begin', 'began', 'begun'],
  ['freeze', 'froze', 'frozen'],
  ['write', 'wrote', 'written'],
];
