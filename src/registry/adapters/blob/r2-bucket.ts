// The part of Cloudflare's R2 bucket binding the R2 blob store uses, typed structurally so the Node
// tsconfig needs no Workers globals (a real `R2Bucket` from workers-types, or Miniflare's, fits it).

export interface R2StoredObject {
  readonly size: number;
  /** Present when the object was put with a `sha256` option (single puts, not multipart uploads). */
  readonly checksums: { readonly sha256?: ArrayBuffer };
}

export interface R2StoredObjectBody extends R2StoredObject {
  readonly body: ReadableStream<Uint8Array>;
}

export interface R2PutOptions {
  /** `{ etagDoesNotMatch: '*' }` writes only when the key is absent; a failed precondition resolves to null. */
  onlyIf?: { etagDoesNotMatch: string };
  /** R2 refuses the put when the bytes it received do not hash to this (hex). */
  sha256?: string;
  httpMetadata?: { contentType?: string };
}

export interface R2UploadedPart {
  partNumber: number;
  etag: string;
}

export interface R2MultipartUpload {
  uploadPart(partNumber: number, value: Uint8Array): Promise<R2UploadedPart>;
  abort(): Promise<void>;
  complete(parts: R2UploadedPart[]): Promise<unknown>;
}

export interface R2BucketBinding {
  head(key: string): Promise<R2StoredObject | null>;
  get(key: string): Promise<R2StoredObjectBody | null>;
  put(key: string, value: Uint8Array, options: R2PutOptions): Promise<R2StoredObject | null>;
  createMultipartUpload(key: string, options: { httpMetadata?: { contentType?: string } }): Promise<R2MultipartUpload>;
  delete(key: string): Promise<void>;
}
