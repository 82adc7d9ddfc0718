import type { Engine } from '../src/store/database.js';
import { benchServices, syntheticResident, throughput } from './bench-support.js';

/** Registrations per second through the service layer: validation, encryption, blind indexes, insert. */
export async function registrationBench(engine: Engine, count: number): Promise<Record<string, number>> {
  const sequential = await benchServices(engine);
  try {
    const concurrent = await benchServices(engine);
    try {
      return {
        [`registrations_per_second.${engine}.sequential`]: await throughput(count, 1, (i) => sequential.services.residents.register(syntheticResident(i))),
        [`registrations_per_second.${engine}.concurrency_8`]: await throughput(count, 8, (i) => concurrent.services.residents.register(syntheticResident(i))),
      };
    } finally {
      await concurrent.dispose();
    }
  } finally {
    await sequential.dispose();
  }
}
