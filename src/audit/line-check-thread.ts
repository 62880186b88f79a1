// Entry of a worker thread of `LineCheckPool`: parses and hashes chunks of export lines.
import { parentPort } from 'node:worker_threads';
import { checkLines } from './checked-lines.js';

const port = parentPort;
if (!port) throw new Error('line-check-thread must run as a worker thread');
port.on('message', (message: { id: number; bytes: Uint8Array; subjectId?: string }) => {
  const { bytes } = message;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  port.postMessage({ id: message.id, lines: checkLines(text, message.subjectId) });
});
