import { sql, type Kysely } from 'kysely';
import { CompiledShapes } from '../compiled-query.js';
import { SUNSET_PREFIX } from '../oversight/sunset-store.js';
import type { Database, OutboxTable, ResidentsTable } from '../schema.js';

/** The columns a new resident's row is written with, in the order `insert` writes them. */
export type SealedResidentRow = Pick<ResidentsTable, 'id' | 'id_index' | 'identity_enc' | 'name_enc' | 'phone_index' | 'phone_enc' | 'address_region' | 'address_enc' | 'phone_verified_at' | 'created_at' | 'updated_at'>;

/** The columns the insert writes, in its arguments' order; the last three are integers. */
const INSERTED_COLUMNS = ['id', 'id_index', 'identity_enc', 'name_enc', 'phone_index', 'phone_enc', 'address_region', 'address_enc', 'phone_verified_at', 'created_at', 'updated_at'] as const satisfies readonly (keyof SealedResidentRow)[];
const INTEGER_COLUMNS: ReadonlySet<string> = new Set(['phone_verified_at', 'created_at', 'updated_at']);

/** Typed as the columns, so that both engines compare and store them alike (a bare parameter has no type in `select ... where`). */
const asText = (value: unknown) => sql`cast(${value} as text)`;

/** A row of another district's resident holding one of the document's or the phone's indexes; none when there is nothing to look for. */
export function clashesOf(ids: readonly unknown[], phones: readonly unknown[]) {
  const clashes = [...(ids.length > 0 ? [sql`id_index in (${sql.join(ids.map(asText))})`] : []), ...(phones.length > 0 ? [sql`phone_index in (${sql.join(phones.map(asText))})`] : [])];
  return clashes.length > 0 ? sql`select 1 from residents where ${sql.join(clashes, sql` or `)}` : undefined;
}

/** The insert's shape: how many identity and phone indexes (one per district key held, and two more) it checks. */
export const insertShape = (ids: readonly string[], phones: readonly string[]) => `${ids.length}.${phones.length}`;

/** The insert's arguments: the row's values, its region (for the sunset check), then the indexes it must not clash with. */
export const insertArguments = (row: SealedResidentRow, ids: readonly string[], phones: readonly string[]) => [...INSERTED_COLUMNS.map((column) => row[column]), row.address_region, ...ids, ...phones];

/** How many arguments the insert of a shape takes: the row's values, its region, and the indexes. */
const insertArity = (shape: string) => INSERTED_COLUMNS.length + 1 + shape.split('.').map(Number).reduce((a, b) => a + b, 0);

/** The insert's statement for a shape, on its arguments (`slots`): the row, unless a sunset or a clash forbids it. */
function insertStatement(shape: string, slots: unknown[]) {
  const idCount = Number(shape.split('.')[0]);
  const values = INSERTED_COLUMNS.map((column, i) => (INTEGER_COLUMNS.has(column) ? sql`cast(${slots[i]} as bigint)` : asText(slots[i])));
  const region = slots[INSERTED_COLUMNS.length];
  const indexes = slots.slice(INSERTED_COLUMNS.length + 1);
  const taken = clashesOf(indexes.slice(0, idCount), indexes.slice(idCount));
  return sql`
        insert into residents (${sql.join(INSERTED_COLUMNS.map((column) => sql.ref(column)))})
        select ${sql.join(values)}
        where not exists (select 1 from sunsets where status <> 'requested' and ${asText(region)} like ${SUNSET_PREFIX} || '%')
        ${taken ? sql`and not exists (${taken})` : sql``}`;
}

/**
 * A new resident's insert, unless a sunset of their region was approved or another district's
 * resident holds one of the indexes: one statement (see ResidentsStore.insert), compiled once per
 * shape (`insertShape`). Built by Kysely at each registration, it cost more than its run on SQLite.
 */
export function compiledInsert(): CompiledShapes<string, never> {
  return new CompiledShapes<string, never>(insertArity, (shape, slots, db: Kysely<Database>) => insertStatement(shape, slots).compile(db));
}

/**
 * A registering phone's records, to move under its district's key in the registration's
 * transaction: its sign-in codes from one index to another, and its messages found under either of
 * `messageIndexes` (returned, for the caller to reseal).
 */
export interface PhoneRecordsMove {
  codesFrom: string;
  codesTo: string;
  messageIndexes: readonly [string, string];
}

/** A message to the phone, found under the master key: the columns its resealing reads. */
export type UnplacedMessage = Pick<OutboxTable, 'id' | 'recipient_index' | 'recipient_enc' | 'body_enc'>;

/** The registration's arguments: the insert's, then the phone's records to move. */
export const registrationArguments = (row: SealedResidentRow, ids: readonly string[], phones: readonly string[], move: PhoneRecordsMove) => [
  ...insertArguments(row, ids, phones),
  move.codesTo,
  move.codesFrom,
  ...move.messageIndexes,
];

/**
 * PostgreSQL: the insert (as compiledInsert's), the move of the phone's sign-in codes and the look-up
 * of its messages, in one statement, so one round trip, not three; the move is made, and messages
 * are answered, only if the row was written. Always one row: `inserted` (0 or 1) and a message's
 * columns, null when there is none.
 */
export function compiledRegistration(): CompiledShapes<string, RegistrationResult> {
  return new CompiledShapes<string, RegistrationResult>(
    (shape) => insertArity(shape) + 4,
    (shape, slots, db: Kysely<Database>) => {
      const [codesTo, codesFrom, unplaced, before] = slots.slice(insertArity(shape));
      return sql<RegistrationResult>`
        with inserted as (${insertStatement(shape, slots.slice(0, insertArity(shape)))} returning id),
        moved as (update sign_in_codes set phone_index = ${asText(codesTo)} where phone_index = ${asText(codesFrom)} and exists (select 1 from inserted) returning id)
        select cast((select count(*) from inserted) as integer) as inserted, outbox.id, outbox.recipient_index, outbox.recipient_enc, outbox.body_enc
        from (select 1) as one left join outbox on outbox.recipient_index in (${asText(unplaced)}, ${asText(before)}) and exists (select 1 from inserted)`.compile(db);
    },
  );
}

/** compiledRegistration's row: whether the resident was written, and one message found (all null for none). */
export type RegistrationResult = { inserted: number } & ({ [K in keyof UnplacedMessage]: UnplacedMessage[K] } | { [K in keyof UnplacedMessage]: null });

/** SQLite (which has no writes in WITH): the move of the phone's sign-in codes, and the look-up of its messages, after the insert. */
export function compiledPhoneRecords() {
  return {
    moveCodes: new CompiledShapes<'', never>(() => 2, (_, [codesTo, codesFrom], db: Kysely<Database>) => sql`update sign_in_codes set phone_index = ${asText(codesTo)} where phone_index = ${asText(codesFrom)}`.compile(db)),
    messages: new CompiledShapes<'', UnplacedMessage>(() => 2, (_, [unplaced, before], db: Kysely<Database>) => sql<UnplacedMessage>`select id, recipient_index, recipient_enc, body_enc from outbox where recipient_index in (${asText(unplaced)}, ${asText(before)})`.compile(db)),
  };
}
