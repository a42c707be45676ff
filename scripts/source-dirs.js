// The folders whose TypeScript scripts/build.js transpiles into dist/ (with main.ts), in one place:
// scripts/app.js rebuilds when any of them is newer than the build.
module.exports = ['core', 'dns', 'modules', 'config', 'registrar-adapters', 'cli', 'review', 'scripts'];
