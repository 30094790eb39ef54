/**
 * Small country lookup for `country:` in watch queries: the ~60 largest trading economies plus the EU.
 * Names, common short forms and demonyms resolve to ISO 3166-1 alpha-2 codes ("EU" for the bloc).
 * Deliberately self-contained (the summariser has its own, fuller table).
 */

const TABLE: ReadonlyArray<readonly [code: string, names: string]> = [
  ['US', 'united states|united states of america|usa|america|american|us'],
  ['CN', 'china|peoples republic of china|prc|mainland china|chinese'],
  ['JP', 'japan|japanese'],
  ['DE', 'germany|german|deutschland'],
  ['GB', 'united kingdom|uk|great britain|britain|british|england'],
  ['FR', 'france|french'],
  ['IT', 'italy|italian'],
  ['CA', 'canada|canadian'],
  ['MX', 'mexico|mexican'],
  ['KR', 'south korea|korea|republic of korea|korean|south korean'],
  ['KP', 'north korea|dprk|north korean'],
  ['IN', 'india|indian'],
  ['BR', 'brazil|brazilian'],
  ['RU', 'russia|russian federation|russian'],
  ['AU', 'australia|australian'],
  ['NZ', 'new zealand'],
  ['ES', 'spain|spanish'],
  ['NL', 'netherlands|holland|dutch'],
  ['BE', 'belgium|belgian'],
  ['CH', 'switzerland|swiss'],
  ['AT', 'austria|austrian'],
  ['SE', 'sweden|swedish'],
  ['NO', 'norway|norwegian'],
  ['DK', 'denmark|danish'],
  ['FI', 'finland|finnish'],
  ['IE', 'ireland|irish'],
  ['PT', 'portugal|portuguese'],
  ['GR', 'greece|greek'],
  ['PL', 'poland|polish'],
  ['CZ', 'czech republic|czechia|czech'],
  ['HU', 'hungary|hungarian'],
  ['RO', 'romania|romanian'],
  ['UA', 'ukraine|ukrainian'],
  ['TR', 'turkey|turkiye|turkish'],
  ['IL', 'israel|israeli'],
  ['SA', 'saudi arabia|saudi'],
  ['AE', 'united arab emirates|uae|emirates'],
  ['QA', 'qatar'],
  ['KW', 'kuwait'],
  ['IR', 'iran|iranian'],
  ['IQ', 'iraq|iraqi'],
  ['EG', 'egypt|egyptian'],
  ['MA', 'morocco|moroccan'],
  ['NG', 'nigeria|nigerian'],
  ['ZA', 'south africa|south african'],
  ['KE', 'kenya|kenyan'],
  ['AR', 'argentina|argentine|argentinian'],
  ['CL', 'chile|chilean'],
  ['CO', 'colombia|colombian'],
  ['PE', 'peru|peruvian'],
  ['VE', 'venezuela|venezuelan'],
  ['ID', 'indonesia|indonesian'],
  ['MY', 'malaysia|malaysian'],
  ['SG', 'singapore'],
  ['TH', 'thailand|thai'],
  ['VN', 'vietnam|viet nam|vietnamese'],
  ['PH', 'philippines|filipino|philippine'],
  ['TW', 'taiwan|taiwanese|chinese taipei'],
  ['HK', 'hong kong'],
  ['PK', 'pakistan|pakistani'],
  ['BD', 'bangladesh|bangladeshi'],
  ['KZ', 'kazakhstan'],
  ['EU', 'european union|eu|europe|european commission|brussels'],
];

/** Alias (normalised) → code; every code also maps to itself. */
const BY_NAME: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const [code, names] of TABLE) {
    m.set(code.toLowerCase(), code);
    for (const n of names.split('|')) m.set(n, code);
  }
  return m;
})();

/** Codes the table knows, e.g. for generating test data. */
export const KNOWN_COUNTRY_CODES: readonly string[] = TABLE.map(([code]) => code);

function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/[.’']/g, '')
    .replace(/[-_\s]+/g, ' ')
    .replace(/^the /, '')
    .trim();
}

/**
 * ISO alpha-2 code for a country name, alias or code: `china`, `CN`, `"united states"`, `us`, `uk` → `GB`,
 * `eu` → `EU`. Any other two-letter code written in capitals (`BT`) is accepted as-is. Undefined otherwise.
 */
export function lookupCountry(name: string): string | undefined {
  const hit = BY_NAME.get(normalise(name));
  if (hit !== undefined) return hit;
  const trimmed = name.trim();
  return /^[A-Z]{2}$/.test(trimmed) ? trimmed : undefined;
}
