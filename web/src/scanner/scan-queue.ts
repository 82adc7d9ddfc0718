import { bearer, client, loadSaved, NetworkError, ok, save } from '../shared/api.js';

export interface QueuedScan {
  scanId: string;
  token: string;
  scannedAt: string;
}

const KEY = 'healthcode.scanner.queue';
/** The server takes at most 1000 a batch; smaller batches finish sooner on a weak network. */
const BATCH = 200;

/**
 * Scans waiting for upload, kept in localStorage so a reload or a dead battery loses none. A scan
 * leaves the queue only once the server has answered for it (stored or duplicate); uploads are
 * idempotent by scan id, so sending one twice is harmless.
 */
export class ScanQueue {
  #flushing = false;
  constructor(private readonly onChange: (size: number) => void) {}

  get size(): number {
    return this.all().length;
  }

  add(scan: QueuedScan): void {
    save(KEY, [...this.all(), scan]);
    this.onChange(this.size);
  }

  /** Uploads what is queued; returns false if the network failed (the scans stay queued). */
  async flush(credential: string): Promise<boolean> {
    if (this.#flushing) return true;
    this.#flushing = true;
    try {
      for (;;) {
        const batch = this.all().slice(0, BATCH);
        if (batch.length === 0) return true;
        const { results } = await ok(client.POST('/api/v1/checkpoint/scans', { headers: bearer(credential), body: { scans: batch } }));
        // Rejected rows are answered too: keeping them would retry a bad row for ever.
        const answered = new Set(results.map((r) => r.scanId));
        save(
          KEY,
          this.all().filter((s) => !answered.has(s.scanId)),
        );
        this.onChange(this.size);
      }
    } catch (error) {
      if (error instanceof NetworkError) return false;
      throw error;
    } finally {
      this.#flushing = false;
    }
  }

  private all(): QueuedScan[] {
    return loadSaved<QueuedScan[]>(KEY, []);
  }
}
