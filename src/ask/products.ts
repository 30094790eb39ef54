/**
 * Traded goods a question can be about. When a question names one, the evidence must name it too:
 * "coffee shipped to Iraq" is not answered by a sentence about poultry shipped to Iraq. Plain data,
 * matched after stemming (see src/search/question-terms.ts termKey).
 */
export const PRODUCT_WORDS: readonly string[] = `
wheat corn maize rice barley oats sorghum soybean soybeans soy soya oilseed oilseeds rapeseed canola sunflower
grain grains flour sugar coffee cocoa tea cotton wool rubber tobacco palm copra jute
beef pork poultry chicken meat lamb mutton dairy milk butter cheese eggs fish salmon herring pollock tuna shrimp
fruit fruits apples oranges citrus bananas grapes juice wine beer spirits whisky chocolate biscuits confectionery
vegetables potatoes tomatoes nuts almonds peanuts
oil crude petroleum gasoline diesel fuel naphtha lng gas coal uranium electricity
steel iron aluminium aluminum copper nickel zinc tin gold silver platinum palladium cobalt lithium
gallium germanium graphite antimony tungsten magnesium manganese titanium potash phosphate fertilizer fertiliser
timber lumber wood pulp paper cement glass chemicals plastics
textiles textile clothing apparel garments footwear shoes leather
cars autos automobiles vehicles trucks motorcycles tyres tires
semiconductors chips microchips computers electronics telecommunications phones smartphones televisions
aircraft airplanes machinery machines tools robots pharmaceuticals medicines drugs vaccines
solar panels batteries turbines pipe pipes tubes photocopiers cigarettes weapons arms
`
  .split(/\s+/)
  .filter(Boolean);

/** Goods written in more than one way: naming any of a group counts as naming the others. */
export const PRODUCT_SYNONYMS: readonly (readonly string[])[] = [
  ['clothing', 'apparel', 'garments', 'textile', 'textiles'],
  ['cars', 'autos', 'automobiles', 'vehicles'],
  ['chips', 'semiconductors', 'microchips'],
  ['corn', 'maize'],
  ['soybeans', 'soybean', 'soy', 'soya'],
  ['aluminium', 'aluminum'],
  ['fertilizer', 'fertiliser'],
  ['tires', 'tyres'],
  ['aircraft', 'airplanes'],
  ['oil', 'crude', 'petroleum'],
  ['grain', 'grains', 'wheat', 'corn', 'maize', 'barley', 'sorghum'],
];
