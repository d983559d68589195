/**
 * Two jest projects (`npm test` runs both; `npm run test:unit` only the first):
 * - unit: synth, client, CLI and emulator suites over loopback; no `terraform`, no npm registry,
 *   no `npm run build` (the hook executor the synths ship as an asset is bundled from the
 *   sources first when it is missing or older than they are: test/support/global-setup.ts, in
 *   both projects).
 * - integration: what needs the built package (lib/), real `terraform` or the npm registry:
 *   end to end, the packed tarball, the examples, the README's code, the reliability suite.
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // Examples import the package and its subpaths by name, as users do; tests resolve them to the sources.
  moduleNameMapper: {
    '^cdktf-vbs-backup$': '<rootDir>/src/index.ts',
    '^cdktf-vbs-backup/client$': '<rootDir>/src/client/index.ts',
    '^cdktf-vbs-backup/emulator$': '<rootDir>/src/emulator/index.ts',
  },
};

/** Suites that need lib/, terraform or the registry: regular expressions over their paths. */
const INTEGRATION = [
  '/test/(e2e|package|examples|reliability|python)/.+\\.test\\.ts$',
  '/test/docs/readme\\.test\\.ts$',
  '/test/core/(synth-process|hcl|declarations)\\.test\\.ts$',
  '/test/cli/cold-start\\.test\\.ts$',
];

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...INTEGRATION],
    },
    {
      ...shared,
      displayName: 'integration',
      testRegex: INTEGRATION,
    },
  ],
};
