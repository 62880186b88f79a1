// Prints the README's configuration table from the config schema itself, so the two cannot drift.
import { z } from 'zod';
import { configSchema } from '../src/config/index.js';

interface PropertySchema {
  description?: string;
  default?: unknown;
  type?: string;
  enum?: unknown[];
}

const json = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as {
  properties: Record<string, PropertySchema>;
};
console.log('| Variable | Default | Meaning |');
console.log('|---|---|---|');
for (const [key, property] of Object.entries(json.properties)) {
  const fallback =
    property.default === undefined
      ? '(unset)'
      : `\`${JSON.stringify(property.default).replace(/^"|"$/g, '')}\``;
  const choices = property.enum ? ` One of ${property.enum.map((v) => `\`${String(v)}\``).join(', ')}.` : '';
  console.log(
    `| \`${key}\` | ${fallback} | ${(property.description ?? '').replace(/\|/g, '\\|')}${choices} |`,
  );
}
