/** @type {import('jest').Config} */
module.exports = {
  // swc strips types without type-checking; `npm run typecheck` (tsc) does that once for all files.
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  testEnvironment: 'node',
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/e2e/'],
  // Builds dist/ (esbuild, well under a second) so tests can run the bundled CLI as users do.
  globalSetup: '<rootDir>/__tests__/global-setup.js',
  // Conformance tests spawn the CLI and wait on loopback emulators: keep jest from starving them.
  maxWorkers: 2,
  testTimeout: 60000,
};
