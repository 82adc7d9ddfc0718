import { FederationStore } from './federation/federation-store.js';
import { OAuthStore } from './federation/oauth-store.js';
import type { FieldCipher } from '../privacy/field-cipher.js';
import { AppealsStore } from './oversight/appeals-store.js';
import { CorrectionsStore } from './oversight/corrections-store.js';
import { SunsetStore } from './oversight/sunset-store.js';
import { AuditStore } from './audit-store.js';
import { AuthorityRecordsStore } from './decisions/authority-records-store.js';
import { CheckInsStore } from './residents/check-ins-store.js';
import type { DatabaseHandle } from './database.js';
import { DataKeyCheckStore } from './data-key-check-store.js';
import { CodeViewStore } from './decisions/code-view-store.js';
import { DecisionsStore } from './decisions/decisions-store.js';
import { RememberedDevicesStore } from './residents/remembered-devices-store.js';
import { DeclarationsStore } from './residents/declarations-store.js';
import { FactsStore } from './decisions/facts-store.js';
import { IdentityReclaimsStore } from './residents/identity-reclaims-store.js';
import { OutboxStore } from './residents/outbox-store.js';
import { PaperCardsStore } from './residents/paper-cards-store.js';
import { NoticesStore } from './decisions/colour-notices-store.js';
import { NoticeRecipientsStore } from './decisions/notice-recipients-store.js';
import { RedecisionQueueStore } from './decisions/redecision-queue-store.js';
import { HouseholdsStore } from './residents/households-store.js';
import { ResidentLookupsStore } from './residents/resident-lookups-store.js';
import { ResidentResealingStore } from './residents/resident-resealing-store.js';
import { LegacyResidentIndexes } from './residents/legacy-indexes.js';
import { ResidentsStore } from './residents/residents-store.js';
import { RuleSetsStore } from './decisions/rule-sets-store.js';
import { ScansStore } from './checkpoints/scans-store.js';
import { SigningKeysStore } from './signing-keys-store.js';
import { SignInStore } from './residents/sign-in-store.js';
import { StaffStore } from './staff-store.js';
import { StatsStore } from './oversight/stats-store.js';
import { TracesStore } from './tracing/traces-store.js';
import { VenuesStore } from './checkpoints/venues-store.js';

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
  codeViews: CodeViewStore;
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
  paperCards: PaperCardsStore;
  notices: NoticesStore;
  noticeRecipients: NoticeRecipientsStore;
  staff: StaffStore;
  stats: StatsStore;
  dataKeyCheck: DataKeyCheckStore;
  federation: FederationStore;
  oauth: OAuthStore;
}

export function createStores(database: DatabaseHandle, cipher: FieldCipher): Stores {
  const { db } = database;
  const corrections = new CorrectionsStore(db, cipher);
  // One for the database: the start that proves no resident's index is left to move tells every look-up.
  const legacyIndexes = new LegacyResidentIndexes();
  return {
    corrections,
    sunsets: new SunsetStore(db, database.engine, database.changes),
    residents: new ResidentsStore(db, cipher, database.engine, legacyIndexes),
    households: new HouseholdsStore(db, cipher),
    residentLookups: new ResidentLookupsStore(db, cipher, legacyIndexes),
    residentResealing: new ResidentResealingStore(db, cipher, legacyIndexes),
    federation: new FederationStore(db, database.engine),
    oauth: new OAuthStore(db),
    reclaims: new IdentityReclaimsStore(db, cipher),
    declarations: new DeclarationsStore(db),
    facts: new FactsStore(db, (ids, since) => corrections.factsFor(ids, since)),
    authorityRecords: new AuthorityRecordsStore(db),
    checkIns: new CheckInsStore(db),
    decisions: new DecisionsStore(db, database.changes, database.engine),
    codeViews: new CodeViewStore(db),
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
    paperCards: new PaperCardsStore(db, database.engine),
    notices: new NoticesStore(db),
    noticeRecipients: new NoticeRecipientsStore(db, cipher),
    staff: new StaffStore(db),
    stats: new StatsStore(db),
    dataKeyCheck: new DataKeyCheckStore(db),
  };
}
