import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from './eslint/module-boundaries.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'public/build/', 'migrations/', 'scratch/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': ['error', { allow: ['error', 'warn'] }],
      // Modules add their actions with `interface Actions extends Record<…> {}`.
      '@typescript-eslint/no-empty-object-type': [
        'error',
        { allowInterfaces: 'with-single-extends' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { coproduce: boundaries },
    rules: { 'coproduce/module-boundaries': 'error' },
  },
  {
    files: ['bin/**', 'scripts/**', 'bench/**', 'test/**', 'src/cli/**', 'src/cli.ts'],
    rules: { 'no-console': 'off' },
  },
);
