/**
 * The facts a rule may read, published with the rules. A rule naming anything else is refused at
 * publication; a rule naming origin, household registration, ethnicity or nationality is refused
 * with that reason, whatever the spelling.
 */
export type FactType = 'boolean' | 'number' | 'text' | 'text-list' | 'number-or-null' | 'text-or-null';

export interface ListVocabulary {
  description: string;
  item: Record<string, { type: FactType; description: string }>;
}

export const SCALAR_FACTS: Record<string, { type: FactType; description: string }> = {
  'resident.phoneVerified': { type: 'boolean', description: 'The resident has signed in with the phone they registered' },
  'resident.identityVerified': {
    type: 'boolean',
    description: "Someone stands behind the resident's identity: they signed in with the phone they registered, or the signed-in resident who added them to a household vouches for them, or staff checked their document at a gate; false once the document was reclaimed by its real holder",
  },
  'resident.daysSinceRegistration': { type: 'number', description: 'Whole days since registration' },
  'declaration.present': { type: 'boolean', description: 'The resident has made a declaration' },
  'declaration.daysSinceLatest': { type: 'number-or-null', description: 'Whole days since the latest declaration' },
  'declaration.symptoms': { type: 'text-list', description: 'Symptoms in the latest declaration' },
  'declaration.temperature': { type: 'number-or-null', description: 'Temperature in the latest declaration, °C' },
  'declaration.fever': { type: 'boolean', description: 'The latest declaration reports 37.3 °C or more' },
  checkInStreak: { type: 'number', description: 'Consecutive days, ending today or yesterday, with a check-in without symptoms or fever' },
  'vaccination.doses': { type: 'number', description: 'Vaccine doses recorded' },
  'vaccination.fullCourse': { type: 'boolean', description: 'The recorded doses complete a course' },
  'vaccination.daysSinceLastDose': { type: 'number-or-null', description: 'Whole days since the last dose' },
};

const source = { type: 'text' as const, description: 'Where the fact comes from: declaration, check-in, authority, trace, rail, air, telecom' };

export const LIST_FACTS: Record<string, ListVocabulary> = {
  stays: {
    description: 'Places stayed in for 4 hours or more during the last 28 days, declared or from travel records',
    item: {
      region: { type: 'text-or-null', description: 'GB/T 2260 code of the place, for places in China' },
      country: { type: 'text-or-null', description: 'ISO 3166 alpha-2 code, for places abroad' },
      riskLevel: { type: 'text', description: 'Highest listed risk level of the place during the stay: high, medium, low or none' },
      hours: { type: 'number', description: 'Length of the stay in whole hours' },
      daysSinceArrival: { type: 'number', description: 'Whole days since arrival' },
      daysSinceDeparture: { type: 'number', description: 'Whole days since departure; 0 while still there' },
      ongoing: { type: 'boolean', description: 'Still there' },
      source,
    },
  },
  contacts: {
    description: 'Contacts with cases: declared (confirmed, suspected) or determined (close, secondary)',
    item: {
      kind: { type: 'text', description: 'confirmed, suspected, close or secondary' },
      daysAgo: { type: 'number', description: 'Whole days since the contact' },
      source,
    },
  },
  cases: {
    description: "The resident's current case status, if the authority has recorded one",
    item: {
      status: { type: 'text', description: 'confirmed, suspected, recovered or cleared' },
      daysAgo: { type: 'number', description: 'Whole days since the status was set' },
      source,
    },
  },
  tests: {
    description: 'Test results of the last 28 days',
    item: {
      result: { type: 'text', description: 'positive or negative' },
      daysAgo: { type: 'number', description: 'Whole days since the sample' },
      source,
    },
  },
  checkIns: {
    description: 'Daily quarantine check-ins of the last 28 days, newest first',
    item: {
      daysAgo: { type: 'number', description: 'Whole days since the check-in' },
      clean: { type: 'boolean', description: 'No symptoms and below 37.3 °C' },
      fever: { type: 'boolean', description: '37.3 °C or more' },
      symptoms: { type: 'text-list', description: 'Symptoms reported' },
      temperature: { type: 'number-or-null', description: '°C' },
    },
  },
};

/** Facts no rule may read, by any name: these are how the 2020 codes discriminated by origin. */
const FORBIDDEN = [
  ['origin', 'origin'],
  ['hukou', 'household registration'],
  ['householdregistration', 'household registration'],
  ['household_registration', 'household registration'],
  ['registeredresidence', 'household registration'],
  ['nativeplace', 'origin'],
  ['birthplace', 'origin'],
  ['hometown', 'origin'],
  ['ethnicity', 'ethnicity'],
  ['ethnic', 'ethnicity'],
  ['minzu', 'ethnicity'],
  ['race', 'ethnicity'],
  ['nationality', 'nationality'],
  ['citizenship', 'nationality'],
  ['passportcountry', 'nationality'],
  ['idcountry', 'nationality'],
  ['idtype', 'nationality'],
  ['idnumber', 'origin (an ID number encodes the place of registration)'],
] as const;

/** The forbidden category a path touches, if any. */
export function forbiddenCategory(path: string): string | undefined {
  const segments = path.toLowerCase().split('.');
  for (const segment of segments) {
    const compact = segment.replace(/[^a-z_]/g, '');
    for (const [name, category] of FORBIDDEN) {
      if (compact === name || compact.replace(/_/g, '') === name.replace(/_/g, '')) return category;
    }
  }
  return undefined;
}
