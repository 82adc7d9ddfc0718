import { parentPort } from 'node:worker_threads';
import { nodeVerify } from './token-signer.js';

/** One thread of the signature pool: checks the Ed25519 signatures it is sent, a batch at a time. */
const verify = nodeVerify();

parentPort!.on('message', (message: { id: number; items: [Uint8Array, Uint8Array, Uint8Array][] }) => {
  const results = message.items.map(([publicKey, data, signature]) => {
    try {
      return verify(publicKey, data, signature) as boolean;
    } catch {
      return false;
    }
  });
  parentPort!.postMessage({ id: message.id, results });
});
