/**
 * End-to-end suite (`npm run test:e2e`): real `cdktf deploy` with OpenTofu, the AWS provider and
 * moto from the e2e tools cache (scripts/e2e/install-tools.sh), the registrar emulators and a
 * loopback DNS world. Slow (every zone create waits ~15 s in the provider): one file at a time.
 * See docs/e2e.md.
 * @type {import('jest').Config}
 */
module.exports = {
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
