/**
 * An id made on the device for a scan or a visit, unique to it: the time, then randomness. Sending
 * the same one again is recognised by the server as the same scan or visit.
 */
export function newClientId(): string {
  const random = crypto.getRandomValues(new Uint8Array(6));
  return `${Date.now().toString(36)}-${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
