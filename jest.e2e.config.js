/**
 * End-to-end suite (`npm run test:e2e`): real `cdktf deploy` with an engine (NSBRIDGE_E2E_ENGINE=
 * tofu, the default, or terraform), the AWS provider and moto from the e2e tools cache
 * (scripts/e2e/install-tools.sh), the registrar emulators and a loopback DNS world. Slow (every
 * zone create waits ~15 s in the provider): one file at a time. scripts/e2e/run-e2e.sh runs it
 * under both engines. See docs/e2e.md.
 * @type {import('jest').Config}
 */
module.exports = {
  displayName: process.env.NSBRIDGE_E2E_ENGINE || 'tofu', // every result line names the engine
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  testEnvironment: 'node',
  testMatch: ['<rootDir>/__tests__/e2e/**/*.e2e.test.ts'],
  globalSetup: '<rootDir>/__tests__/global-setup.js',
  maxWorkers: 1,
  testTimeout: 20 * 60_000,
  // Every child (moto, cdktf, tofu) is awaited or killed in afterAll; an emulator's keep-alive
  // socket can still hold the loop open for a while after the last test.
  forceExit: true,
  verbose: true,
};
