import { TRADE_INSTRUMENTS, type TradeInstrument } from '../domain.ts';
import { stem } from '../text/tokens.ts';

/** Synonyms accepted by `instrument:` in watch queries (normalised: lower case, words joined by "-"). */
const SYNONYMS: Readonly<Record<TradeInstrument, readonly string[]>> = {
  tariff: ['tariff', 'tariffs', 'duty', 'duties', 'levy', 'levies', 'customs-duty', 'customs-duties'],
  quota: [
    'quota',
    'quotas',
    'tariff-rate-quota',
    'tariff-rate-quotas',
    'trq',
    'import-quota',
    'import-quotas',
  ],
  'anti-dumping': [
    'anti-dumping',
    'antidumping',
    'dumping',
    'anti-dumping-duty',
    'anti-dumping-duties',
    'countervailing',
    'countervailing-duties',
  ],
  'export-control': [
    'export-control',
    'export-controls',
    'export-ban',
    'export-bans',
    'export-restriction',
    'export-restrictions',
    'entity-list',
    'export-licence',
    'export-license',
  ],
  sanction: ['sanction', 'sanctions', 'sanctioned', 'embargo', 'embargoes', 'blacklist'],
  deal: [
    'deal',
    'deals',
    'trade-deal',
    'trade-deals',
    'agreement',
    'agreements',
    'trade-agreement',
    'trade-agreements',
    'fta',
    'pact',
    'accord',
  ],
  subsidy: ['subsidy', 'subsidies', 'subsidise', 'subsidize', 'state-aid'],
  safeguard: ['safeguard', 'safeguards', 'safeguard-duty', 'safeguard-duties'],
  'import-ban': ['import-ban', 'import-bans', 'ban-on-imports'],
  wto: ['wto', 'world-trade-organization', 'world-trade-organisation', 'gatt', 'trade-dispute'],
  customs: ['customs', 'rules-of-origin', 'transshipment'],
  'trade-data': ['trade-data', 'trade-balance', 'trade-surplus', 'trade-deficit', 'trade-figures'],
};

const BY_NAME: ReadonlyMap<string, TradeInstrument> = (() => {
  const m = new Map<string, TradeInstrument>();
  for (const inst of TRADE_INSTRUMENTS) {
    for (const name of SYNONYMS[inst]) m.set(name, inst);
    m.set(stem(inst.replace(/-/g, '')), inst);
  }
  return m;
})();

/** `tariffs`, `duties` → `tariff`; `export controls` → `export-control`; undefined when unknown. */
export function lookupInstrument(name: string): TradeInstrument | undefined {
  const key = name
    .toLowerCase()
    .trim()
    .replace(/[\s_]+/g, '-');
  return BY_NAME.get(key) ?? (/^[a-z]+$/.test(key) ? BY_NAME.get(stem(key)) : undefined);
}
