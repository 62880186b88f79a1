#!/usr/bin/env node
// The `govcert` admin CLI. In a checkout (src/ present) it runs the TypeScript sources through tsx, so
// it never runs a stale build; in a slim image with only dist/ it runs the compiled JavaScript.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'index.ts');

if (existsSync(source)) {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(pathToFileURL(source).href, import.meta.url);
} else {
  await import(pathToFileURL(join(root, 'dist', 'src', 'cli', 'index.js')).href);
}
