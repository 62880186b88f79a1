import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a message went: its file, and whether an earlier attempt had already written it. */
export interface OutboxWrite {
  file: string;
  existed: boolean;
}

/** A file name from a Message-ID: only safe characters, no path separators. */
export const outboxFileName = (messageId: string): string =>
  `${messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9.@_-]/g, '_')}.eml`;

const exists = async (path: string): Promise<boolean> => {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
};

/**
 * Writes one message to `<dir>/<message-id>.eml`, so that the outbox never shows a partial message
 * and never holds two files for one Message-ID:
 * - the bytes go to a hidden temporary name in the same directory (`.<name>.<pid>-<random>.tmp`, which
 *   no `*.eml` reader picks up), are flushed to disk, and the file is then renamed into place: a crash
 *   leaves at most a temporary file, never a 0-byte or truncated `.eml`;
 * - when the file already exists, an earlier attempt wrote it and died before the ledger recorded it:
 *   the message counts as sent and nothing is written. The name comes from the Message-ID alone, so
 *   even two writers racing past that check end with one file (the rename replaces it with the same
 *   message); the delivery ledger's lease keeps them from racing in the first place.
 */
export async function writeOutboxFile(dir: string, messageId: string, raw: Buffer): Promise<OutboxWrite> {
  const name = outboxFileName(messageId);
  const file = join(dir, name);
  await mkdir(dir, { recursive: true });
  if (await exists(file)) return { file, existed: true };
  const temp = join(dir, `.${name}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o640);
  try {
    try {
      await handle.writeFile(raw);
      await handle.sync(); // the data is on disk before the name says the message is there
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
  return { file, existed: false };
}

/** Makes the rename itself durable (the directory entry), as far as the file system allows. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is then as durable as they make it.
  } finally {
    await handle.close();
  }
}
