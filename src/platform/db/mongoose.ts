import mongoose from 'mongoose';

// Set before any schema is built: unknown filter keys throw instead of being dropped silently, and
// filters are sanitised so a `{ "$gt": "" }` from a request body can never become a query operator.
mongoose.set('strictQuery', 'throw');
mongoose.set('sanitizeFilter', true);
mongoose.set('autoIndex', false);

export { mongoose };
export type { Connection, Model, Types, mongo } from 'mongoose';
