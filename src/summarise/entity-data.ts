import type { TradeInstrument } from '../domain.ts';

/** Data tables for entities.ts (kept apart so the logic stays readable). Plain data, no behaviour. */

export const setOf = (s: string): Set<string> => new Set(s.split(/\s+/).filter(Boolean));

/**
 * CODE=Name/Alias/Adjective;… Entries starting with "~" are weak (capitals used as metonyms,
 * first-name-like names) and count only when not part of a longer capitalised name ("Chad Bown",
 * "Washington Post"). Code "-" marks regions that would otherwise be misread ("Latin American").
 */
export const COUNTRY_TABLE = `AF=Afghanistan/Afghan;AL=Albania/Albanian;DZ=Algeria/Algerian;AD=Andorra;AO=Angola/Angolan;
AG=Antigua and Barbuda;AR=Argentina/Argentine/Argentinian/~Buenos Aires;AM=Armenia/Armenian;AU=Australia/Australian/~Canberra;
AT=Austria/Austrian/~Vienna;AZ=Azerbaijan/Azerbaijani;BS=Bahamas/Bahamian;BH=Bahrain/Bahraini;BD=Bangladesh/Bangladeshi/~Dhaka;
BB=Barbados;BY=Belarus/Belarusian/~Minsk;BE=Belgium/Belgian;BZ=Belize;BJ=Benin;BT=Bhutan;BO=Bolivia/Bolivian;
BA=Bosnia and Herzegovina/Bosnia/Bosnian;BW=Botswana;BR=Brazil/Brazilian/~Brasilia;BN=Brunei;BG=Bulgaria/Bulgarian;
BF=Burkina Faso;BI=Burundi;CV=Cape Verde/Cabo Verde;KH=Cambodia/Cambodian;CM=Cameroon/Cameroonian;CA=Canada/Canadian/~Ottawa;
CF=Central African Republic;TD=~Chad/Chadian;CL=Chile/Chilean/~Santiago;CO=Colombia/Colombian/~Bogota;KM=Comoros;
CN=China/Chinese/People's Republic of China/PRC/Mainland China/~Beijing;CG=Republic of Congo/Congo-Brazzaville/~Congo;
CD=Democratic Republic of Congo/Democratic Republic of the Congo/DR Congo/DRC/Congolese;CR=Costa Rica/Costa Rican;
CI=Ivory Coast/Cote d'Ivoire/Côte d'Ivoire/Ivorian;HR=Croatia/Croatian;CU=Cuba/Cuban/~Havana;CY=Cyprus/Cypriot;
CZ=Czech Republic/Czechia/Czech/~Prague;DK=Denmark/Danish/~Copenhagen;DJ=Djibouti;DM=Dominica;DO=Dominican Republic/Dominican;
EC=Ecuador/Ecuadorian;EG=Egypt/Egyptian/~Cairo;SV=El Salvador/Salvadoran;GQ=Equatorial Guinea;ER=Eritrea/Eritrean;
EE=Estonia/Estonian;SZ=Eswatini/Swaziland;ET=Ethiopia/Ethiopian;FJ=Fiji/Fijian;FI=Finland/Finnish/~Helsinki;
FR=France/French/~Paris;GA=Gabon/Gabonese;GM=Gambia;GE=~Georgia/~Georgian/~Tbilisi;GH=Ghana/Ghanaian;GR=Greece/Greek/~Athens;
DE=Germany/German/West Germany/West German/East Germany/~Berlin/~Bonn;GD=Grenada;GT=Guatemala/Guatemalan;GN=~Guinea;
GW=Guinea-Bissau;GY=Guyana;HT=Haiti/Haitian;HN=Honduras/Honduran;HU=Hungary/Hungarian/~Budapest;IS=Iceland/Icelandic;
IN=India/Indian/~New Delhi/~Delhi;ID=Indonesia/Indonesian/~Jakarta;IR=Iran/Iranian/~Tehran;IQ=Iraq/Iraqi/~Baghdad;
IE=Ireland/Irish/Republic of Ireland/~Dublin;IL=Israel/Israeli/~Jerusalem/~Tel Aviv;IT=Italy/Italian/~Rome;
JM=Jamaica/Jamaican;JP=Japan/Japanese/~Tokyo;JO=~Jordan/Jordanian/~Amman;KZ=Kazakhstan/Kazakh;KE=Kenya/Kenyan/~Nairobi;
KI=Kiribati;KP=North Korea/North Korean/DPRK/~Pyongyang;KR=South Korea/South Korean/Korea/Korean/Republic of Korea/~Seoul;
KW=Kuwait/Kuwaiti;KG=Kyrgyzstan/Kyrgyz;LA=Laos/Laotian;LV=Latvia/Latvian;LB=Lebanon/Lebanese/~Beirut;LS=Lesotho;
LR=Liberia/Liberian;LY=Libya/Libyan/~Tripoli;LI=Liechtenstein;LT=Lithuania/Lithuanian;LU=Luxembourg;
MG=Madagascar/Malagasy;MW=Malawi;MY=Malaysia/Malaysian/~Kuala Lumpur;MV=Maldives;ML=Mali/Malian;MT=Malta/Maltese;
MH=Marshall Islands;MR=Mauritania;MU=Mauritius;MX=Mexico/Mexican/~Mexico City;FM=Micronesia;MD=Moldova/Moldovan;
MC=Monaco;MN=Mongolia/Mongolian;ME=Montenegro;MA=Morocco/Moroccan/~Rabat;MZ=Mozambique;MM=Myanmar/Burma/Burmese;
NA=Namibia;NR=Nauru;NP=Nepal/Nepalese;NL=Netherlands/Dutch/Holland/~Amsterdam/~The Hague;NZ=New Zealand/~Wellington;
NI=Nicaragua/Nicaraguan;NE=Niger/Nigerien;NG=Nigeria/Nigerian/~Abuja/~Lagos;MK=North Macedonia/Macedonia;
NO=Norway/Norwegian/~Oslo;OM=Oman/Omani;PK=Pakistan/Pakistani/~Islamabad;PW=Palau;PS=Palestine/Palestinian;
PA=Panama/Panamanian;PG=Papua New Guinea;PY=Paraguay/Paraguayan;PE=Peru/Peruvian/~Lima;
PH=Philippines/Philippine/Filipino/~Manila;PL=Poland/Polish/~Warsaw;PT=Portugal/Portuguese/~Lisbon;QA=Qatar/Qatari/~Doha;
RO=Romania/Romanian/~Bucharest;RU=Russia/Russian/Russian Federation/~Moscow/~Kremlin;RW=Rwanda;
KN=Saint Kitts and Nevis;LC=Saint Lucia;VC=Saint Vincent and the Grenadines;WS=Samoa;SM=San Marino;
ST=Sao Tome and Principe;SA=Saudi Arabia/Saudi/~Riyadh;SN=Senegal/Senegalese;RS=Serbia/Serbian;SC=Seychelles;
SL=Sierra Leone;SG=Singapore/Singaporean;SK=Slovakia/Slovak;SI=Slovenia/Slovenian;SB=Solomon Islands;SO=Somalia/Somali;
ZA=South Africa/South African/~Pretoria/~Johannesburg;SS=South Sudan;ES=Spain/Spanish/~Madrid;LK=Sri Lanka/Sri Lankan;
SD=Sudan/Sudanese;SR=Suriname;SE=Sweden/Swedish/~Stockholm;CH=Switzerland/Swiss/~Bern;SY=Syria/Syrian/~Damascus;
TW=Taiwan/Taiwanese/Chinese Taipei/~Taipei;TJ=Tajikistan;TZ=Tanzania/Tanzanian;TH=Thailand/Thai/~Bangkok;
TL=East Timor/Timor-Leste;TG=Togo;TO=Tonga;TT=Trinidad and Tobago;TN=Tunisia/Tunisian;
TR=~Turkey/Turkiye/Türkiye/Turkish/~Ankara;TM=Turkmenistan;TV=Tuvalu;UG=Uganda/Ugandan;UA=Ukraine/Ukrainian/~Kyiv/~Kiev;
AE=United Arab Emirates/UAE/U.A.E./Emirati/~Abu Dhabi/~Dubai;UY=Uruguay/Uruguayan;UZ=Uzbekistan/Uzbek;VU=Vanuatu;
GB=United Kingdom/UK/U.K./Britain/Great Britain/British/England/Scotland/Wales/Northern Ireland/~London;
US=United States/United States of America/US/U.S./USA/U.S.A./America/American/~Washington;VA=Vatican/Holy See;
VE=Venezuela/Venezuelan/~Caracas;VN=Vietnam/Viet Nam/Vietnamese/~Hanoi;YE=Yemen/Yemeni;ZM=Zambia/Zambian;
ZW=Zimbabwe/Zimbabwean;HK=Hong Kong;MO=Macau/Macao;PR=Puerto Rico;XK=Kosovo;SU=Soviet Union/USSR/Soviet;
EU=European Union/EU/E.U./~Brussels;-=Latin America/Latin American/South America/South American/North America/
North American/Central America/Central American/New Mexico/Indian Ocean/Middle East/West Africa/West African/
East Africa/East African/North Africa/North African/Southeast Asia/Southeast Asian/East Asia/East Asian/Wall Street`;

/** Known organisations: canonical|variant|… (acronyms plus bodies whose names carry no suffix). */
export const KNOWN_ORGS = `WTO|World Trade Organization|World Trade Organisation;EU|E.U.|European Union;IMF|International Monetary Fund;
USTR|Office of the U.S. Trade Representative|Office of the United States Trade Representative;OPEC;MOFCOM;
GATT|General Agreement on Tariffs and Trade;ASEAN|Association of Southeast Asian Nations;
NAFTA|North American Free Trade Agreement;USMCA;G7;G8;G20;APEC;CPTPP;TPP;RCEP;UNCTAD;OFAC;CFIUS;NDRC;Mercosur;EFTA;
OECD|Organisation for Economic Co-operation and Development|Organization for Economic Cooperation and Development;
BIS|Bureau of Industry and Security;ECB|European Central Bank;Federal Reserve|Fed;UN|U.N.|United Nations;Xinhua;
White House;Congress;European Commission;ITC|International Trade Commission;USDA;SEC`;

/** Connector words allowed inside names: "Bank of America", "Ursula von der Leyen", "Cote d'Ivoire". */
export const CONNECTORS = setOf("of for the and de la du von der van da di al bin ibn d'");
export const TITLES =
  setOf(`President Premier Minister Secretary Representative Chancellor Commissioner Governor Chairman
Chairwoman Chair CEO Ambassador Senator Sen Rep Gov Mr Mrs Ms Dr Prof Professor King Queen Prince Princess Sheikh Speaker
Spokesman Spokeswoman Director Envoy Negotiator Congressman Congresswoman Judge Mayor Leader Chief Executive Vice
Prime Deputy Treasurer Director-General Emir Pope Lord Sir Dame`);
/** Lower-case words just before a name that make it a person: "chairman Richard Parsons", "said Robert Sinche". */
export const CUES =
  setOf(`${[...TITLES].join(' ').toLowerCase()} spokesperson analyst economist strategist head lawmaker
official founder adviser advisor aide partner said says told`);
export const SAID = setOf('said says told added noted warned explained wrote argued');
export const ORG_SUFFIX =
  setOf(`Ministry Commission Council Agency Bank Department Office Organization Organisation Corp
Corporation Inc Incorporated Group Association Federation Administration Authority Board Bureau Institute Committee
Fund Co Company Ltd Plc PLC LLC AG GmbH Holdings Exchange Party Parliament Chamber Service Court Foundation Forum
Airlines Motors Industries Partners Securities Reserve Union Alliance Coalition Secretariat Cabinet Senate`);
export const NON_NAME =
  setOf(`Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
July August September October November December Street Wall House White News Business Trade Commerce Treasury Finance
Foreign Affairs Economy Economic State States United National International Federal Central General Global World
North South East West Northern Southern Eastern Western New Great Royal Republic Kingdom Congress Democrat Democrats
Republican Republicans Democratic Market Markets Stock Stocks Capital Energy Oil Gas Electric Steel Technology Tech
Internet Media Press Post Times Journal Daily Reuters Bloomberg Christmas Phase One Two Day Year Week Quarter Act Bill
Law Agreement Deal Pact Summit Talks Plan Index Dow Jones Nasdaq Nikkei Hang Seng Rights Human Security Defense
Defence Industry Customs Airport Island Islands Sea Ocean Gulf Bay City County Province Valley Pacific Atlantic Asia
Europe Africa Americas Hong Kong English`);

/** instrument: alternatives (regex source over lower-cased text), each matched as whole words. */
export const INSTRUMENT_RULES =
  `tariff: tariffs?|duties|(?:import|customs|punitive|retaliatory) duty|lev(?:y|ies)|(?:import|border) tax(?:es)?
quota: quotas?
anti-dumping: anti-?dumping|countervailing|dumping
export-control: export[- ]controls?|entity list|licen[cs]e requirements?|export (?:bans?|restrictions?|curbs?|licen[cs]es?|blacklist)
sanction: sanction(?:s|ed|ing)?|embargo(?:es|ed)?|asset freezes?|blacklist(?:ed)?
deal: trade (?:deal|agreement|pact|accord|truce)s?|phase (?:one|1|two|2) (?:trade )?(?:deal|agreement)|free[- ]trade (?:agreement|area|deal|pact|zone)s?|ftas?|(?:bilateral|investment) (?:trade )?(?:treaty|agreement)
subsidy: subsid(?:y|ies|ise[ds]?|ize[ds]?|ising|izing)|state aid
safeguard: safeguards?(?! (?:of|for) (?:children|data|privacy))
import-ban: import bans?|bann?(?:ed|ing|s)? imports?|halts? imports|suspended imports
wto: wto|world trade organi[sz]ation|gatt
customs: rules of origin|customs (?:agency|authorities|checks|union|clearance)|origin checks|transshipw*
trade-data: trade (?:surplus(?:es)?|deficits?|balances?|gaps?|figures|data)|current account`
    .split('\n')
    .map((line) => line.split(': ') as [TradeInstrument, string]);
