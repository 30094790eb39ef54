/**
 * Phrases that name a trade instrument, in the wording news uses today and used in 1987. Each cue is
 * one feature of the relevance model (src/stories/relevance.ts) and the "why" a digest shows.
 * Deliberately narrower than single words: "trade-in offer", "traded to a contender" and "duty-free
 * shopping" match nothing.
 */
export const TRADE_CUES: Readonly<Record<string, RegExp>> = {
  tariff:
    /\b(?:tariffs?|surtax(?:es)?|import dut(?:y|ies)|customs dut(?:y|ies)|retaliatory dut(?:y|ies)|(?:higher|new|punitive) (?:dut(?:y|ies)|levies)|levies on (?:imports|\w+ imports))\b/i,
  quota:
    /\b(?:import quotas?|tariff-rate quotas?|quotas? (?:on|for) \w+|export quotas?|import allocations?|import licen[cs]ing)\b/i,
  'anti-dumping': /\b(?:anti-?dumping|dumped|dumping (?:probe|investigation|margin)|countervailing)\b/i,
  safeguard: /\bsafeguards?\b(?! (?:of|for) (?:children|data|privacy))/i,
  'export-control':
    /\b(?:export controls?|export curbs?|export restrictions?|export licen[cs]es?|entity list|licen[cs]es? for exports|bann?(?:ed|ing|s)? exports?|exports? bans?)\b/i,
  'import-ban':
    /\b(?:import bans?|bann?(?:ed|ing|s)? imports?|suspended imports|halts? imports|imports? suspen\w+)\b/i,
  sanction: /\b(?:sanctions?|embargo(?:es)?|asset freezes?)\b/i,
  deal: /\b(?:trade (?:deal|pact|agreement|talks|negotiations|accord|truce)s?|free trade|fta|market access)\b/i,
  wto: /\b(?:wto|world trade organi[sz]ation|gatt|dispute panel|trade rules)\b/i,
  subsidy: /\b(?:subsid(?:y|ies|ised|ized)|state aid|state support)\b/i,
  customs:
    /\b(?:rules of origin|customs (?:agency|authorities|checks|union|clearance)|origin checks|transship\w*|duty-free entry)\b/i,
  'trade-data':
    /\b(?:trade (?:surplus(?:es)?|deficits?|balances?|gaps?|figures|data)|current account|exports (?:rose|fell|jumped|grew|slumped|declined)|imports (?:rose|fell|jumped|grew|slumped|declined))\b/i,
};

export type TradeCue = keyof typeof TRADE_CUES;

/** The cues a text matches, in table order. */
export function tradeCues(text: string): string[] {
  return Object.entries(TRADE_CUES)
    .filter(([, re]) => re.test(text))
    .map(([name]) => name);
}
