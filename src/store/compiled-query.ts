import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

/** A value a query is built with that stands for its n-th argument. */
class Slot {
  constructor(readonly index: number) {}
}

/** A compiled query and, for each of its parameters, the argument it stands for (undefined: a value kept as compiled). */
interface Slotted<R> {
  query: CompiledQuery<R>;
  slotAt: (number | undefined)[];
}

/** Compiles what `build` makes of `arity` stand-ins; refuses a build that leaves an argument out. */
function compileWithSlots<R>(arity: number, build: (slots: Slot[]) => CompiledQuery<R>): Slotted<R> {
  const slots = Array.from({ length: arity }, (_, i) => new Slot(i));
  const query = build(slots);
  const slotAt = query.parameters.map((p) => (p instanceof Slot ? p.index : undefined));
  // A set: a statement of 500 rows has thousands of arguments, and a scan for each is quadratic.
  const used = new Set(slotAt);
  const missing = slots.filter((s) => !used.has(s.index));
  if (missing.length > 0) throw new Error(`compiled query: argument ${missing[0]!.index} is not a parameter of ${query.sql}`);
  return { query, slotAt };
}

/** The compiled query with the arguments in their places. */
function withArguments<R>({ query, slotAt }: Slotted<R>, args: readonly unknown[]): CompiledQuery<R> {
  return { ...query, parameters: query.parameters.map((p, i) => (slotAt[i] === undefined ? p : args[slotAt[i]!])) };
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
  let compiled: Slotted<R> | undefined;
  return async (...args) => {
    compiled ??= compileWithSlots(arity, (slots) => build(...(slots as unknown as A)).compile());
    return (await db().executeQuery<R>(withArguments(compiled, args))).rows;
  };
}

/**
 * A query whose text varies only with its shape (how many values each list holds): each shape
 * compiled once, as compiledOnce compiles its one. `build` receives the shape and one stand-in per
 * argument (`arityOf(shape)`), each used where a value goes (here one per item of a list too).
 * Holds no database, so that stores made for a transaction share it: each run names the database
 * (or a transaction on it) it runs on, always the same database, as the SQL is its dialect's (one per
 * store made for a database, never one per module: a process may hold both engines). Answers the
 * whole result, affected rows with it.
 */
export class CompiledShapes<S extends string, R> {
  readonly #compiled = new Map<S, Slotted<R>>();

  constructor(
    private readonly arityOf: (shape: S) => number,
    private readonly build: (shape: S, slots: unknown[], db: Kysely<any>) => CompiledQuery<R>,
  ) {}

  async run(db: Kysely<any>, shape: S, args: readonly unknown[]): Promise<QueryResult<R>> {
    return db.executeQuery<R>(this.compiled(db, shape, args));
  }

  /** The query `run` runs, for a caller that sends it otherwise (in one message with another). */
  compiled(db: Kysely<any>, shape: S, args: readonly unknown[]): CompiledQuery<R> {
    if (args.length !== this.arityOf(shape)) throw new Error(`compiled query: shape ${shape} takes ${this.arityOf(shape)} arguments, not ${args.length}`);
    let compiled = this.#compiled.get(shape);
    if (compiled === undefined) {
      compiled = compileWithSlots(this.arityOf(shape), (slots) => this.build(shape, slots, db));
      this.#compiled.set(shape, compiled);
    }
    return withArguments(compiled, args);
  }
}

/**
 * Lists of up to this many values are compiled once per length: a declaration decides one
 * resident, a household a few. Longer lists (a re-decision's chunk of a thousand) are built for
 * their run, the building shared by as many rows, and no text a thousand values long is kept.
 */
export const COMPILED_LIST_MOST = 16;

/**
 * A query over a list (`in (…)`, or the rows of an insert) and a fixed number of other arguments,
 * whose building cost a one-resident decision more than running it: compiled once per list length
 * up to `most` (COMPILED_LIST_MOST unless said), built each time beyond. `build` takes the list and
 * the other arguments as stand-ins or as values alike, so both ways give the same text. With a
 * `width`, each item of the list is a row of that many values. A statement that saves many rows at
 * a time (a re-decision's 500) compiles every length up to that: building it cost more than SQLite
 * running it.
 */
export class CompiledLists<R, I = unknown> {
  readonly #shapes: CompiledShapes<string, R>;

  constructor(
    private readonly others: number,
    private readonly build: (list: readonly I[], others: readonly unknown[], db: Kysely<any>) => CompiledQuery<R>,
    private readonly width?: number,
    private readonly most = COMPILED_LIST_MOST,
  ) {
    const items = (length: string) => Number(length) * (width ?? 1);
    this.#shapes = new CompiledShapes(
      (length) => items(length) + others,
      (length, slots, db) => build(this.grouped(slots.slice(0, items(length))), slots.slice(items(length)), db),
    );
  }

  async run(db: Kysely<any>, list: readonly I[], others: readonly unknown[] = []): Promise<R[]> {
    return (await this.result(db, list, others)).rows;
  }

  /** The whole result, affected rows with it. */
  async result(db: Kysely<any>, list: readonly I[], others: readonly unknown[] = []): Promise<QueryResult<R>> {
    if (others.length !== this.others) throw new Error(`compiled query: takes ${this.others} arguments beside the list, not ${others.length}`);
    if (list.length > this.most) return db.executeQuery(this.build(list, others, db));
    const flat = this.width === undefined ? list : (list as readonly (readonly unknown[])[]).flat();
    return this.#shapes.run(db, String(list.length), others.length === 0 ? flat : [...flat, ...others]);
  }

  /** Stand-ins for the list's values, as items: rows of `width` where there is one. */
  private grouped(values: unknown[]): I[] {
    const width = this.width;
    if (width === undefined) return values as I[];
    return Array.from({ length: values.length / width }, (_, i) => values.slice(i * width, (i + 1) * width)) as I[];
  }
}
