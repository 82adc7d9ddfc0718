import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/** A value a query is built with that stands for its n-th argument. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A query built and compiled once, run with new values: on the hot path (every code view) Kysely
 * building the same query each time cost more than running it. `build` receives stand-ins for the
 * `arity` arguments and uses each where the builder takes a value (`where('id', '=', id)`), never in
 * a list (`in`) nor an expression; every other value it uses is kept as it was compiled.
 * Runs on what `db` gives (a transaction, for a store made in one); it is asked for at each run, so a
 * store's field may be declared before the constructor has set the database.
 */
export function compiledOnce<A extends unknown[], R>(db: () => Kysely<any>, arity: A['length'], build: (...slots: A) => Compilable<R>): (...args: A) => Promise<R[]> {
  let compiled: CompiledQuery<R> | undefined;
  let slotAt: (number | undefined)[] = [];
  return async (...args) => {
    if (compiled === undefined) {
      const slots = Array.from({ length: arity }, (_, i) => new Slot(i));
      compiled = build(...(slots as unknown as A)).compile();
      slotAt = compiled.parameters.map((p) => (p instanceof Slot ? p.index : undefined));
      const missing = slots.filter((s) => !slotAt.includes(s.index));
      if (missing.length > 0) throw new Error(`compiledOnce: argument ${missing[0]!.index} is not a parameter of ${compiled.sql}`);
    }
    const parameters = compiled.parameters.map((p, i) => (slotAt[i] === undefined ? p : args[slotAt[i]!]));
    return (await db().executeQuery<R>({ ...compiled, parameters })).rows;
  };
}
