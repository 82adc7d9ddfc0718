import { FederationStore } from './federation-store.js';
import { OAuthStore } from './oauth-store.js';
import type { FieldCipher } from '../privacy/field-cipher.js';
import { AppealsStore } from './appeals-store.js';
import { CorrectionsStore } from './corrections-store.js';
import { SunsetStore } from './sunset-store.js';
import { AuditStore } from './audit-store.js';
import { AuthorityRecordsStore } from './authority-records-store.js';
import { CheckInsStore } from './check-ins-store.js';
import type { DatabaseHandle } from './database.js';
import { DataKeyCheckStore } from './data-key-check-store.js';
import { DecisionsStore } from './decisions-store.js';
import { RememberedDevicesStore } from './devices-store.js';
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
 * Every table group's store, built once for an open database and a data key. Services reach the database
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
  rememberedDevices: RememberedDevicesStore;
  outbox: OutboxStore;
  notices: NoticesStore;
  staff: StaffStore;
  stats: StatsStore;
  dataKeyCheck: DataKeyCheckStore;
  federation: FederationStore;
  oauth: OAuthStore;
}

export function createStores(database: DatabaseHandle, cipher: FieldCipher): Stores {
  const { db } = database;
  const corrections = new CorrectionsStore(db, cipher);
  return {
    corrections,
    sunsets: new SunsetStore(db, database.engine, database.changes),
    residents: new ResidentsStore(db, cipher, database.engine),
    households: new HouseholdsStore(db, cipher),
    residentLookups: new ResidentLookupsStore(db, cipher),
    residentResealing: new ResidentResealingStore(db, cipher),
    federation: new FederationStore(db, database.engine),
    oauth: new OAuthStore(db),
    reclaims: new IdentityReclaimsStore(db, cipher),
    declarations: new DeclarationsStore(db),
    facts: new FactsStore(db, (ids, since) => corrections.factsFor(ids, since)),
    authorityRecords: new AuthorityRecordsStore(db),
    checkIns: new CheckInsStore(db),
    decisions: new DecisionsStore(db, database.changes),
    redecisions: new RedecisionQueueStore(db),
    rules: new RuleSetsStore(db, database.lock, database.changes),
    appeals: new AppealsStore(db, cipher),
    traces: new TracesStore(db),
    venues: new VenuesStore(db),
    scans: new ScansStore(db, database.engine),
    audit: new AuditStore(db, database.lock),
    keys: new SigningKeysStore(db, cipher, database.changes),
    signIn: new SignInStore(db, database.changes),
    rememberedDevices: new RememberedDevicesStore(db, database.changes),
    outbox: new OutboxStore(db, cipher),
    notices: new NoticesStore(db),
    staff: new StaffStore(db),
    stats: new StatsStore(db),
    dataKeyCheck: new DataKeyCheckStore(db),
  };
}
