import type { Insertable, Kysely, Selectable } from 'kysely';
import type { ChangeFeed } from '../change-feed.js';
import type { Database, SignInCodesTable } from '../schema.js';
import { compiledOnce, CompiledShapes } from '../compiled-query.js';

type AttemptColumn = 'attempts' | 'stranger_attempts';

/**
 * Takes one attempt of its kind (`column`) from code `id` while it has one left below `max` and is live: the one
 * condition that bounds the answers racing guesses get, shared by claiming an attempt and using a code up with it.
 */
const takeAttempt = (db: Kysely<Database>, column: AttemptColumn, id: string, max: number, now: number, one: number) =>
  db
    .updateTable('sign_in_codes')
    .set((eb) => ({ [column]: eb(column, '+', one) }))
    .where('id', '=', id)
    .where(column, '<', max)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now);

/**
 * A proven code used up with one attempt of its kind taken (`column`), if it has one left and is live:
 * a registration's, in its transaction, compiled once for the store and those it makes for transactions.
 */
const useUp = (column: AttemptColumn) =>
  new CompiledShapes<'', { id: string }>(
    () => 4,
    (_, [id, max, now, one], db: Kysely<Database>) =>
      takeAttempt(db, column, id as string, max as number, now as number, one as number)
        .set({ consumed_at: now as number })
        .returning('id')
        .compile(),
  );

/** A code used up: in a registration's transaction too, so compiled once for the store and those it makes for transactions. */
const consume = () =>
  new CompiledShapes<'', { id: string }>(
    () => 2,
    (_, [id, now], db: Kysely<Database>) => db.updateTable('sign_in_codes').set({ consumed_at: now as number }).where('id', '=', id as string).where('consumed_at', 'is', null).returning('id').compile(),
  );

/** Every registration moves its phone's codes: compiled once, for the store and those it makes for transactions. */
const moveSignInCodes = () =>
  new CompiledShapes<'', never>(
    () => 2,
    (_, [toIndex, fromIndex], db: Kysely<Database>) => db.updateTable('sign_in_codes').set({ phone_index: toIndex as string }).where('phone_index', '=', fromIndex as string).compile(),
  );

/** A session's row: written by every sign-in and registration, the latter in its transaction (a store made for it shares this). */
const insertSession = () =>
  new CompiledShapes<'', never>(
    () => 6,
    (_, v, db: Kysely<Database>) =>
      db
        .insertInto('sessions')
        .values({ id: v[0] as string, resident_id: v[1] as string, created_at: v[2] as number, expires_at: v[3] as number, revoked_at: v[4] as number | null, device_id: v[5] as string | null })
        .compile(),
  );

/** One-time sign-in codes (kept as keyed digests, never in clear) and the sessions they open. */
export class SignInStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly changes: ChangeFeed,
    private readonly compiled = { moveSignInCodes: moveSignInCodes(), insertSession: insertSession(), consume: consume(), useUp: { owner: useUp('attempts'), stranger: useUp('stranger_attempts') } },
  ) {}

  /** A store on `trx`, sharing what this one compiled. */
  withTransaction(trx: Kysely<Database>): SignInStore {
    return new SignInStore(trx, this.changes, this.compiled);
  }

  /** Asked on every signed-in request whose session is not in memory: compiled once. */
  readonly #activeSession = compiledOnce(() => this.db, 2, (id: string, now: number) =>
    this.db.selectFrom('sessions').select(['resident_id', 'expires_at']).where('id', '=', id).where('revoked_at', 'is', null).where('expires_at', '>', now),
  );

  /*
   * Every registration over the API asks for a code, reads the phone's codes twice, claims an
   * attempt, uses the code and opens a session: compiled once, as Kysely building each statement
   * anew cost as much as SQLite running it.
   */
  readonly #insertSignInCode = compiledOnce(() => this.db, 9, (...v: [string, string, string, number, number, number, number | null, string | null, string]) =>
    this.db.insertInto('sign_in_codes').values({ id: v[0], phone_index: v[1], code_digest: v[2], created_at: v[3], expires_at: v[4], attempts: v[5], consumed_at: v[6], ticket_digest: v[7], sms_script: v[8] }),
  );
  readonly #signInCodesSince = compiledOnce(() => this.db, 2, (phoneIndex: string, since: number) =>
    this.db.selectFrom('sign_in_codes').selectAll().where('phone_index', '=', phoneIndex).where('created_at', '>=', since).orderBy('created_at', 'desc'),
  );
  readonly #claimAttempt = {
    owner: this.claimAttemptOf('attempts'),
    stranger: this.claimAttemptOf('stranger_attempts'),
  };

  private claimAttemptOf(column: AttemptColumn) {
    return compiledOnce(() => this.db, 4, (id: string, max: number, now: number, one: number) => takeAttempt(this.db, column, id, max, now, one).returning(column));
  }

  async insertSignInCode(row: Insertable<SignInCodesTable>): Promise<void> {
    await this.#insertSignInCode(row.id, row.phone_index, row.code_digest, row.created_at, row.expires_at, row.attempts, row.consumed_at ?? null, row.ticket_digest ?? null, row.sms_script ?? 'zh-CN');
  }

  /** Codes issued to a phone since `since`, newest first. */
  async signInCodesSince(phoneIndex: string, since: number): Promise<Selectable<SignInCodesTable>[]> {
    return this.#signInCodesSince(phoneIndex, since);
  }

  /**
   * Claims one of a code's attempts before it is compared, from its asker's (`owner`) or from the
   * strangers' shared budget: one conditional UPDATE, so guesses sent in parallel each take an attempt
   * and no more than `max` of either kind are ever compared. Returns the attempts of that kind used
   * including this one, or undefined when none is left (or the code is used or expired).
   */
  async claimAttempt(id: string, max: number, now: number, by: 'owner' | 'stranger'): Promise<number | undefined> {
    const [row] = await this.#claimAttempt[by](id, max, now, 1);
    return row === undefined ? undefined : Number((row as Record<string, unknown>)[by === 'owner' ? 'attempts' : 'stranger_attempts']);
  }

  /** Marks a code used; false if another request used it first. */
  async consume(id: string, now: number): Promise<boolean> {
    // The row it used up, returned: one whether or not the engine counts the rows it changed the same way.
    return (await this.compiled.consume.run(this.db, '', [id, now])).rows.length === 1;
  }

  /**
   * Uses up a code found to match, taking with it one attempt of its asker's (`owner`) or of the
   * strangers', as claimAttempt would, in one conditional UPDATE: false, and nothing changed, when
   * the code has no attempt of that kind left, was used meanwhile, or expired.
   */
  async useUp(id: string, max: number, now: number, by: 'owner' | 'stranger'): Promise<boolean> {
    return (await this.compiled.useUp[by].run(this.db, '', [id, max, now, 1])).rows.length === 1;
  }

  /** A phone has registered: its codes go under the index its district's key makes. */
  async moveSignInCodes(fromIndex: string, toIndex: string): Promise<void> {
    await this.compiled.moveSignInCodes.run(this.db, '', [toIndex, fromIndex]);
  }

  /**
   * Deletes codes indexed as before districts had index keys (no prefix): they cannot be moved (the
   * phone is not stored), and live minutes; a resident asks for another.
   */
  async deleteUnprefixedSignInCodes(prefixes: string[]): Promise<number> {
    let query = this.db.deleteFrom('sign_in_codes');
    for (const prefix of prefixes) query = query.where('phone_index', 'not like', `${prefix}%`);
    return Number((await query.executeTakeFirst()).numDeletedRows);
  }

  /** Deletes codes that expired before `cutoff`; how many. */
  async deleteSignInCodesBefore(cutoff: number): Promise<number> {
    return Number((await this.db.deleteFrom('sign_in_codes').where('expires_at', '<', cutoff).executeTakeFirst()).numDeletedRows);
  }

  async insertSession(id: string, residentId: string, createdAt: number, expiresAt: number, rememberedDeviceId: string | null = null): Promise<void> {
    await this.compiled.insertSession.run(this.db, '', [id, residentId, createdAt, expiresAt, null, rememberedDeviceId]);
  }

  /** The session's resident and end if the session exists, is not revoked and has not expired. */
  async activeSession(id: string, now: number): Promise<{ residentId: string; expiresAt: number } | undefined> {
    const [row] = await this.#activeSession(id, now);
    return row && { residentId: row.resident_id, expiresAt: row.expires_at };
  }

  /** Ends a session, and tells every process that may hold it in memory. */
  async revokeSession(id: string, now: number): Promise<void> {
    await this.changes.commit(this.db, { kind: 'session-ended', sessionId: id }, async (trx) => {
      await trx.updateTable('sessions').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    });
  }

  async sessionsOf(residentId: string): Promise<{ id: string; createdAt: number; expiresAt: number; revokedAt: number | null }[]> {
    const rows = await this.db.selectFrom('sessions').selectAll().where('resident_id', '=', residentId).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at }));
  }
}
