import type { Venue } from '../../src/domain/checkpoints/venue.js';
import type { Harness } from './harness.js';

/** Hangzhou East station's east-square gate: where most scan tests check a code. */
const EAST_STATION: Omit<Venue, 'id'> = { name: '杭州东站', type: 'subway_station', region: '330102', address: '天城路 1 号', latitude: 30.29, longitude: 120.21, operator: '杭州地铁' };

/**
 * A venue with one checkpoint device, signed in as that device: Hangzhou East's east-square gate,
 * or the venue and gate given.
 */
export async function checkpointGate(h: Harness, venue: Partial<Omit<Venue, 'id'>> = {}, deviceName = '东广场 3 号闸机') {
  const registered = await h.services.venues.registerVenue({ ...EAST_STATION, ...venue });
  const { token } = await h.services.venues.registerCheckpointDevice(registered.id, deviceName);
  return { venue: registered, device: await h.services.venues.authenticateCheckpointDevice(token) };
}
