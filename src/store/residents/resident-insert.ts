import { sql, type Kysely } from 'kysely';
import { CompiledShapes } from '../compiled-query.js';
import { SUNSET_PREFIX } from '../oversight/sunset-store.js';
import type { Database, ResidentsTable } from '../schema.js';

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

/**
 * A new resident's insert, unless a sunset of their region was approved or another district's
 * resident holds one of the indexes: one statement (see ResidentsStore.insert), compiled once per
 * shape (`insertShape`). Built by Kysely at each registration, it cost more than its run on SQLite.
 */
export function compiledInsert(): CompiledShapes<string, never> {
  const counts = (shape: string) => shape.split('.').map(Number) as [number, number];
  return new CompiledShapes<string, never>(
    (shape) => INSERTED_COLUMNS.length + 1 + counts(shape)[0] + counts(shape)[1],
    (shape, slots, db: Kysely<Database>) => {
      const [idCount] = counts(shape);
      const values = INSERTED_COLUMNS.map((column, i) => (INTEGER_COLUMNS.has(column) ? sql`cast(${slots[i]} as bigint)` : asText(slots[i])));
      const region = slots[INSERTED_COLUMNS.length];
      const indexes = slots.slice(INSERTED_COLUMNS.length + 1);
      const taken = clashesOf(indexes.slice(0, idCount), indexes.slice(idCount));
      return sql`
        insert into residents (${sql.join(INSERTED_COLUMNS.map((column) => sql.ref(column)))})
        select ${sql.join(values)}
        where not exists (select 1 from sunsets where status <> 'requested' and ${asText(region)} like ${SUNSET_PREFIX} || '%')
        ${taken ? sql`and not exists (${taken})` : sql``}`.compile(db);
    },
  );
}
