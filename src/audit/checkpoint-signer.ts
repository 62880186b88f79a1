import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { AuditCheckpoint } from './audit-event.types.js';
import { canonicalJson } from './audit-hash.js';

/** The bytes a checkpoint signature covers: canonical JSON of everything but the signature. */
export function checkpointPayload(checkpoint: Omit<AuditCheckpoint, 'signature'>): Buffer {
  const { seq, headHash, at, keyId } = checkpoint;
  return Buffer.from(canonicalJson({ seq, headHash, at, keyId }), 'utf8');
}

/** SHA-256 (hex) of a public key's SPKI DER: names the key in every checkpoint it signs. */
export function publicKeyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Parses a PEM public key (SPKI); throws on anything that is not Ed25519. */
export function parsePublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the audit public key must be Ed25519');
  return key;
}

/** Checks a checkpoint against a trusted public key; never throws. */
export function checkpointSignatureValid(checkpoint: AuditCheckpoint, publicKey: KeyObject): boolean {
  try {
    return verify(
      null,
      checkpointPayload(checkpoint),
      publicKey,
      Buffer.from(checkpoint.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** Signs checkpoints with the configured Ed25519 private key (PKCS#8 PEM). */
export class CheckpointSigner {
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;
  private readonly privateKey: KeyObject;

  constructor(privateKeyPem: string) {
    this.privateKey = createPrivateKey(privateKeyPem);
    if (this.privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error('AUDIT_SIGNING_KEY must be an Ed25519 key');
    this.publicKey = createPublicKey(this.privateKey);
    this.publicKeyPem = this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = publicKeyId(this.publicKey);
  }

  /** A signed checkpoint for the chain ending at `seq` with `headHash`. */
  sign(seq: number, headHash: string, at: Date = new Date()): AuditCheckpoint {
    const unsigned = { seq, headHash, at: at.toISOString(), keyId: this.keyId };
    const signature = sign(null, checkpointPayload(unsigned), this.privateKey).toString('base64');
    return { ...unsigned, signature };
  }
}
