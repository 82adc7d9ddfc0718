import BetterSqlite3 from 'better-sqlite3';
import { ManifestError, type BackupManifest } from './backup-manifest.js';

/**
 * What a database copy itself says, against what its manifest and key file claim: the last migration
 * applied to it, and the districts whose residents' fields are sealed under a district key (so need
 * that key, and are gone for good once that district's sunset destroyed its escrow entry). Read from
 * the copy, not the key file, so a key dropped from the key file cannot hide a district.
 */
export interface CopyContents {
  schema: string | undefined;
  regions: string[];
}

/** The queries, the same on both engines; `schema` qualifies the tables on PostgreSQL. */
export function contentsQueries(schema?: string): { schema: string; regions: string } {
  const t = (table: string) => (schema ? `"${schema}".${table}` : table);
  return {
    schema: `select max(name) as name from ${t('healthcode_migrations')}`,
    regions: `select distinct address_region as region from ${t('residents')} where name_enc like 'v2.%' order by 1`,
  };
}

/** Reads a SQLite copy (read-only: the backup is not changed by checking it). */
export function sqliteContents(path: string): CopyContents {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const q = contentsQueries();
    const schema = (db.prepare(q.schema).get() as { name: string | null } | undefined)?.name ?? undefined;
    const regions = (db.prepare(q.regions).all() as { region: string }[]).map((r) => r.region);
    return { schema, regions };
  } catch (error) {
    throw new ManifestError('files[0]', `the database copy cannot be read as a healthcode database (${(error as Error).message})`);
  } finally {
    db.close();
  }
}

/**
 * Why a backup whose files match its manifest still may not be restored, or undefined: the manifest's
 * schema or districts are not what the copy and the key file hold, or the copy holds a district whose
 * escrow entry is gone (its sunset ran since).
 */
export function contentsRefusal(manifest: BackupManifest, contents: CopyContents, keyFileRegions: readonly string[], inEscrow: (region: string) => boolean): ManifestError | undefined {
  if (contents.schema !== manifest.schema) return new ManifestError('schema', `the manifest says ${manifest.schema}, the database copy's last migration is ${contents.schema ?? 'none'}: the backup was altered`);
  if (manifest.regions.join() !== keyFileRegions.join()) return new ManifestError('regions', `the manifest names ${manifest.regions.join(', ') || 'no district'}, the key file holds ${keyFileRegions.join(', ') || 'none'}: the backup was altered`);
  const gone = contents.regions.filter((r) => !inEscrow(r));
  if (gone.length > 0) {
    return new ManifestError(
      'regions',
      `the database copy holds residents of ${gone.join(', ')}, whose escrow entries are destroyed (their sunset has run since this backup was made); their rows may not come back: restore a backup made after that sunset`,
    );
  }
  const keyless = contents.regions.filter((r) => !keyFileRegions.includes(r));
  if (keyless.length > 0) return new ManifestError('regions', `the database copy holds residents of ${keyless.join(', ')}, whose keys the backup's key file does not hold: the backup was altered`);
  return undefined;
}
