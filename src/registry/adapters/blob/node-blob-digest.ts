// SHA-256 on node:crypto, and the blob digest helpers bound to it, for the stores that run on Node.
import { createHash } from 'node:crypto';
import { createBlobDigests, type Sha256Factory } from './blob-digest';

export const nodeSha256: Sha256Factory = () => {
  const hash = createHash('sha256');
  return {
    update: (chunk) => void hash.update(chunk),
    digestHex: () => hash.digest('hex'),
  };
};

export const nodeBlobDigests = createBlobDigests(nodeSha256);
