// typescript-eslint strict, type-checked: floating promises and unsafe `any` are bugs here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'var/', 'coverage/', 'bin/', 'tools/ferretdb/', '*.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  // Modules reach each other only through their index.ts (the kernel, src/platform, through its own
  // index and its sub-packages' index files): a deep import would make a module's internals (its
  // repositories above all) part of another's contract. Platform and config are the kernel itself.
  {
    files: ['src/*/*.ts'],
    ignores: ['src/platform/**', 'src/config/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./[^./][^/]*/(?!index\\.js$)(?![^/]+/index\\.js$)',
              message: 'Import another module through its index.js, never a file inside it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/*/*/*.ts'],
    ignores: ['src/platform/**', 'src/config/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./\\.\\./[^./][^/]*/(?!index\\.js$)(?![^/]+/index\\.js$)',
              message: 'Import another module through its index.js, never a file inside it.',
            },
          ],
        },
      ],
    },
  },
  {
    // mongoose types schema paths as class instances (SchemaTypeOptions) while its documented way to
    // declare them is object literals; the rule would flag every schema definition.
    files: [
      'src/**/*.model.ts',
      'src/**/*.models.ts',
      'src/**/*.schema.model.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: { '@typescript-eslint/no-unsafe-class-instance-assignment': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The console's few browser scripts: plain ES5 files served as they are (no build step), so no
    // type information; checked with the recommended rules and the browser globals they use.
    files: ['templates/web/assets/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        setInterval: 'readonly',
      },
    },
  },
);
