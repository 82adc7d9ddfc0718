import { FederationStore } from './federation-store.js';
import { OAuthStore } from './oauth-store.js';
import type { FieldCipher } from '../privacy/field-cipher.js';
import { AppealsStore } from './appeals-store.js';
import { CorrectionsStore } from './corrections-store.js';
import { SunsetStore } from './sunset-store.js';
import { AuditStore } from './audit-store.js';
import { AuthorityRecordsStore } from './authority-records-store.js';
import { CheckInsStore } from './check-ins-store.js';
import type { Store } from './database.js';
import { DataKeyCheckStore } from './data-key-check-store.js';
import { DecisionsStore } from './decisions-store.js';
import { DevicesStore } from './devices-store.js';
import { DeclarationsStore } from './declarations-store.js';
import { FactsStore } from './facts-store.js';
import { IdentityReclaimsStore } from './identity-reclaims-store.js';
import { OutboxStore } from './outbox-store.js';
import { NoticesStore } from './notices-store.js';
import { RedecisionQueueStore } from './redecision-queue-store.js';
import { HouseholdsStore } from './households-store.js';
import { ResidentLookupsStore } from './resident-lookups-store.js';
import { ResidentResealingStore } from './resident-resealing-store.js';
import { ResidentsStore } from './residents-store.js';
import { RuleSetsStore } from './rule-sets-store.js';
import { ScansStore } from './scans-store.js';
import { SigningKeysStore } from './signing-keys-store.js';
import { SignInStore } from './sign-in-store.js';
import { StaffStore } from './staff-store.js';
import { StatsStore } from './stats-store.js';
import { TracesStore } from './traces-store.js';
import { VenuesStore } from './venues-store.js';

/**
 * Every table group's store, built once for a database and a data key. Services reach the database
 * only through these; each store owns the encryption contexts of its own fields, and keeps the
 * differences between the engines to itself.
 */
export interface Stores {
  residents: ResidentsStore;
  households: HouseholdsStore;
  residentLookups: ResidentLookupsStore;
  residentResealing: ResidentResealingStore;
  reclaims: IdentityReclaimsStore;
  declarations: DeclarationsStore;
  facts: FactsStore;
  authorityRecords: AuthorityRecordsStore;
  checkIns: CheckInsStore;
  decisions: DecisionsStore;
  redecisions: RedecisionQueueStore;
  rules: RuleSetsStore;
  appeals: AppealsStore;
  corrections: CorrectionsStore;
  sunsets: SunsetStore;
  traces: TracesStore;
  venues: VenuesStore;
  scans: ScansStore;
  audit: AuditStore;
  keys: SigningKeysStore;
  signIn: SignInStore;
  devices: DevicesStore;
  outbox: OutboxStore;
  notices: NoticesStore;
  staff: StaffStore;
  stats: StatsStore;
  dataKeyCheck: DataKeyCheckStore;
  federation: FederationStore;
  oauth: OAuthStore;
}

export function createStores(store: Store, cipher: FieldCipher): Stores {
  const { db } = store;
  const corrections = new CorrectionsStore(db, cipher);
  return {
    corrections,
    sunsets: new SunsetStore(db, store.engine, store.changes),
    residents: new ResidentsStore(db, cipher, store.engine),
    households: new HouseholdsStore(db, cipher),
    residentLookups: new ResidentLookupsStore(db, cipher),
    residentResealing: new ResidentResealingStore(db, cipher),
    federation: new FederationStore(db, store.engine),
    oauth: new OAuthStore(db),
    reclaims: new IdentityReclaimsStore(db, cipher),
    declarations: new DeclarationsStore(db),
    facts: new FactsStore(db, (ids, since) => corrections.factsFor(ids, since)),
    authorityRecords: new AuthorityRecordsStore(db),
    checkIns: new CheckInsStore(db),
    decisions: new DecisionsStore(db, store.changes),
    redecisions: new RedecisionQueueStore(db),
    rules: new RuleSetsStore(db, store.lock, store.changes),
    appeals: new AppealsStore(db, cipher),
    traces: new TracesStore(db),
    venues: new VenuesStore(db),
    scans: new ScansStore(db, store.engine),
    audit: new AuditStore(db, store.lock),
    keys: new SigningKeysStore(db, cipher, store.changes),
    signIn: new SignInStore(db, store.changes),
    devices: new DevicesStore(db, store.changes),
    outbox: new OutboxStore(db, cipher),
    notices: new NoticesStore(db),
    staff: new StaffStore(db),
    stats: new StatsStore(db),
    dataKeyCheck: new DataKeyCheckStore(db),
  };
}
