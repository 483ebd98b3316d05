// The blob digest helpers on node:crypto's native SHA-256, for the Node-only stores (local folder, S3).
import { createHash } from 'node:crypto';
import { createBlobDigests } from './blob-digest';

export const nodeBlobDigests = createBlobDigests(() => {
  const hash = createHash('sha256');
  return {
    update: (chunk) => void hash.update(chunk),
    digestHex: () => hash.digest('hex'),
  };
});
