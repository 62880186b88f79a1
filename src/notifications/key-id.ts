import { createHash } from 'node:crypto';
import { mongoose } from '../platform/db/index.js';

/**
 * The `_id` of the record whose unique idempotency key is `key`, derived from the key: looking a key
 * up becomes an `_id` lookup (the only query FerretDB v1 serves from an index; any other filter reads
 * the whole collection), and a second insert of the same key clashes on `_id` itself.
 */
export const idForKey = (key: string): mongoose.Types.ObjectId =>
  new mongoose.Types.ObjectId(createHash('sha256').update(key).digest('hex').slice(0, 24));
