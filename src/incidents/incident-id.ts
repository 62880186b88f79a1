import { randomBytes } from 'node:crypto';

/**
 * A new incident id: an ObjectId-shaped value (ids stay 24 hex digits and sort by creation second, so
 * cursors work as before) whose last 8 bytes are random. A driver ObjectId carries a per-process
 * value and a counter there, so from one's own id a reporter could guess the next ones and probe for
 * other bureaux' incidents.
 */
export function newIncidentId(now = new Date()): string {
  const seconds = Buffer.alloc(4);
  seconds.writeUInt32BE(Math.floor(now.getTime() / 1000));
  return Buffer.concat([seconds, randomBytes(8)]).toString('hex');
}
