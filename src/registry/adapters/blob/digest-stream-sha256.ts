// SHA-256 on workerd's native streaming hasher (crypto.DigestStream): how the Worker hashes blob
// streams as they flow, since Web Crypto hashes only whole buffers and node:crypto is Node's.
import { toHex } from '../../hashing';
import type { Sha256Factory } from './blob-digest';

/** The part of workerd's `crypto.DigestStream` used here (not in Node's types, nor in Node). */
interface DigestStreamConstructor {
  new (algorithm: 'SHA-256'): WritableStream<Uint8Array> & { readonly digest: Promise<ArrayBuffer> };
}

/** A running SHA-256 on crypto.DigestStream; throws where the runtime has none (Node: use nodeSha256). */
export const digestStreamSha256: Sha256Factory = () => {
  const DigestStream = (globalThis.crypto as { DigestStream?: DigestStreamConstructor } | undefined)?.DigestStream;
  if (DigestStream === undefined) throw new Error('crypto.DigestStream exists only in workerd; on Node, hash with nodeSha256 (node-blob-digest.ts)');
  const stream = new DigestStream('SHA-256');
  const writer = stream.getWriter();
  return {
    update(chunk) {
      // Writes queue in order; a failed one rejects close() below, which is where it is reported.
      writer.write(chunk).catch(() => undefined);
    },
    async digestHex() {
      await writer.close();
      return toHex(new Uint8Array(await stream.digest));
    },
  };
};
