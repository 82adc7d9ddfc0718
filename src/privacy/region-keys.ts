import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';
import { deriveSubkey, open, seal } from './aead.js';

/**
 * One data key per district, wrapped by a key derived from the master key, kept apart from the
 * database: a region's personal data is destroyed beyond recovery by destroying its wrapped key
 * (crypto-shredding). A copy of the database taken before, with the master key, does not bring it
 * back, because the key was never in the database.
 */
export interface RegionKeyBackend {
  read(region: string): Buffer | undefined;
  /** Writes a region's wrapped key unless one is there; returns what is there afterwards. */
  create(region: string, wrapped: Buffer): Buffer;
  /** Regions that have a wrapped key. */
  regions(): string[];
  /** Destroys a region's wrapped key. */
  destroy(region: string): void;
}

/** How long after a directory's last change its listing is kept (see FileRegionKeys.regions). */
const SETTLED_MS = 1000;

/** Wrapped keys as files (owner only) in a directory: `<data dir>/keys/regions` by default. */
export class FileRegionKeys implements RegionKeyBackend {
  /** The last listing, and the directory (inode and modification time) it was made of. */
  #listed: { version: string; regions: string[] } | undefined;

  /**
   * `make`: create the directory if it is not there; a key escrow on other storage is not (an unmounted share must fail, not be made locally).
   * `now`: the wall clock the file system stamps the directory by (epoch ms).
   */
  constructor(
    private readonly dir: string,
    make = true,
    private readonly now: () => number = Date.now,
  ) {
    if (make) mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  read(region: string): Buffer | undefined {
    const path = this.path(region);
    return existsSync(path) ? Buffer.from(readFileSync(path, 'utf8').trim(), 'base64') : undefined;
  }

  create(region: string, wrapped: Buffer): Buffer {
    try {
      writeFileSync(this.path(region), `${wrapped.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process made it first: theirs stands.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return this.read(region)!;
  }

  /**
   * Every look-up of a resident asks (several per registration): the listing is kept while the
   * directory's modification time, which any key made or destroyed by any process changes, stays
   * the same; one stat instead of reading the directory. A listing made within a second of the last
   * change is not kept: the file system's clock is coarse, and a second change within the same
   * tick would leave the time as it was.
   */
  regions(): string[] {
    const { ino, mtimeNs } = statSync(this.dir, { bigint: true });
    const version = `${ino}:${mtimeNs}`;
    if (this.#listed?.version === version) return [...this.#listed.regions];
    const regions = readdirSync(this.dir).flatMap((name) => /^(\d{6})\.key$/.exec(name)?.[1] ?? []);
    this.#listed = this.now() - Number(mtimeNs / 1_000_000n) > SETTLED_MS ? { version, regions } : undefined;
    return [...regions];
  }

  /** Idempotent: a run resumed after a crash destroys again what may be half destroyed, or gone. */
  destroy(region: string): void {
    const path = this.path(region);
    if (!existsSync(path)) return;
    // Overwritten before it is unlinked, so the blocks do not keep it where the file system allows.
    const fd = openSync(path, 'r+');
    writeSync(fd, randomBytes(Math.max(statSync(path).size, 64)), 0);
    fsyncSync(fd);
    closeSync(fd);
    rmSync(path, { force: true });
    // The unlink itself made durable: a power cut must not bring the name back.
    const dir = openSync(this.dir, 'r');
    fsyncSync(dir);
    closeSync(dir);
  }

  private path(region: string): string {
    if (!/^\d{6}$/.test(region)) throw new Error(`not a region code: ${region}`);
    return join(this.dir, `${region}.key`);
  }
}

/** Wrapped keys in memory: tests and benchmarks, where nothing outlives the process. */
export class MemoryRegionKeys implements RegionKeyBackend {
  readonly #keys = new Map<string, Buffer>();
  read(region: string): Buffer | undefined {
    return this.#keys.get(region);
  }
  create(region: string, wrapped: Buffer): Buffer {
    if (!this.#keys.has(region)) this.#keys.set(region, wrapped);
    return this.#keys.get(region)!;
  }
  regions(): string[] {
    return [...this.#keys.keys()];
  }
  destroy(region: string): void {
    this.#keys.delete(region);
  }
}

/** A region's data key with its id (a digest of the wrapped key: names it in reports, reveals nothing). */
export interface RegionKey {
  kid: string;
  key: Buffer;
}

export class RegionKeyShreddedError extends Error {
  constructor(readonly region: string) {
    super(`the data key of region ${region} was destroyed: its personal data is gone`);
    this.name = 'RegionKeyShreddedError';
  }
}

/** Wraps and unwraps region keys with the key-encryption key, and keeps unwrapped ones in memory. */
export class RegionKeys {
  readonly #cache = new Map<string, RegionKey>();

  constructor(
    readonly backend: RegionKeyBackend,
    private readonly kek: Buffer,
  ) {}

  /** Region keys in `backend`, wrapped by the key this master key derives for them. */
  static underMasterKey(backend: RegionKeyBackend, masterKey: Buffer): RegionKeys {
    return new RegionKeys(backend, deriveSubkey(masterKey, 'region key wrapping'));
  }

  /** The region's key, made now if it has none. */
  keyFor(region: string): RegionKey {
    const known = this.existing(region);
    if (known) return known;
    this.backend.create(region, seal(this.kek, randomBytes(32), `region key ${region}`));
    return this.existing(region)!;
  }

  /** The region's key if it has one that was not destroyed. */
  existing(region: string): RegionKey | undefined {
    const cached = this.#cache.get(region);
    if (cached) return cached;
    const wrapped = this.backend.read(region);
    if (!wrapped) return undefined;
    const found = { kid: kidOf(wrapped), key: open(this.kek, wrapped, `region key ${region}`) };
    this.#cache.set(region, found);
    return found;
  }

  /** Districts that have a key now (another process may have made or destroyed one since the last call). */
  regions(): string[] {
    return this.backend.regions();
  }

  /** The keys of every district whose code starts with `prefix`, by id, without opening them. */
  list(prefix: string): { region: string; kid: string }[] {
    return this.backend.regions().filter((r) => r.startsWith(prefix)).flatMap((region) => {
      const wrapped = this.backend.read(region);
      return wrapped ? [{ region, kid: kidOf(wrapped) }] : [];
    });
  }

  /** Drops from memory the unwrapped keys of districts under `prefix` (all with ''): another process may have destroyed them. */
  forget(prefix: string): void {
    for (const region of [...this.#cache.keys()]) if (region.startsWith(prefix)) this.#cache.delete(region);
  }

  /** Destroys one district's key; nothing if it is gone already. */
  destroyOne(region: string): void {
    this.backend.destroy(region);
    this.#cache.delete(region);
  }

  /** A district's key as kept (wrapped), for a backup. */
  wrapped(region: string): Buffer | undefined {
    return this.backend.read(region);
  }

  /**
   * Puts back a district's wrapped key from a backup, once it is shown to open under this master key;
   * keeps the one there if there is one. Returns whether the one kept now is the one given.
   */
  restore(region: string, wrapped: Buffer): boolean {
    if (!this.opens(region, wrapped)) throw new Error(`the key of ${region} does not open under this master key`);
    return this.backend.create(region, wrapped).equals(wrapped);
  }

  /** Whether a wrapped key is a district's key under this master key. */
  opens(region: string, wrapped: Buffer): boolean {
    try {
      open(this.kek, wrapped, `region key ${region}`);
      return true;
    } catch {
      return false;
    }
  }
}

/** A key's id: a digest of its wrapped form, which names it in reports and reveals nothing. */
export function kidOf(wrapped: Buffer): string {
  return createHash('sha256').update(wrapped).digest('base64url').slice(0, 16);
}
