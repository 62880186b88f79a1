import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { RecoveryCode, TotpFactor } from './account.types.js';

/** The issuer name authenticator apps show next to the account. */
const ISSUER = 'GovCERT';
/** One 30-second step either side: phones whose clocks drift a little still work. */
const TOLERANCE_SECONDS = 30;
const RECOVERY_CODES = 10;

/** What a person needs to add the factor to an authenticator app. */
export interface TotpEnrolment {
  secret: string;
  uri: string;
  /** PNG of the otpauth URI as a data: URL, for an `<img>`. */
  qrDataUrl: string;
}

export async function newTotpEnrolment(label: string, secret = generateSecret()): Promise<TotpEnrolment> {
  const uri = generateURI({ issuer: ISSUER, label, secret });
  const qrDataUrl = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, scale: 6 });
  return { secret, uri, qrDataUrl };
}

/** The time step the code matched, or null; steps at or before `afterStep` are refused (replays). */
export async function checkTotp(secret: string, code: string, afterStep?: number): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epochTolerance: TOLERANCE_SECONDS,
    ...(afterStep === undefined ? {} : { afterTimeStep: afterStep }),
  });
  // The functional API's type also covers HOTP, whose results carry no time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

export function totpFactor(secret: string, step: number, at: Date): TotpFactor {
  return { secret, enrolledAt: at, lastStep: step };
}

const digest = (code: string): string => createHash('sha256').update(normaliseCode(code)).digest('hex');

/** Codes are read off paper: case, spaces and dashes do not matter. */
function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}

/** Ten fresh codes (`xxxxx-xxxxx`, 50 random bits each): the plain ones to show once, and what to store. */
export function newRecoveryCodes(): { plain: string[]; stored: RecoveryCode[] } {
  const plain = Array.from({ length: RECOVERY_CODES }, () => {
    const text = randomBytes(8).readBigUInt64BE().toString(32).padStart(13, '0').slice(-10);
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  });
  return { plain, stored: plain.map((code) => ({ hash: digest(code), usedAt: null })) };
}

/** The index of the unused stored code `code` is, or -1. */
export function matchRecoveryCode(stored: readonly RecoveryCode[], code: string): number {
  if (!/^[0-9a-v]{10}$/.test(normaliseCode(code))) return -1;
  const wanted = Buffer.from(digest(code), 'hex');
  return stored.findIndex(
    (entry) => entry.usedAt === null && timingSafeEqual(Buffer.from(entry.hash, 'hex'), wanted),
  );
}
