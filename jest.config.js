/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Examples import the package and its subpaths by name, as users do; tests resolve them to the sources.
  moduleNameMapper: {
    '^cdktf-vbs-backup$': '<rootDir>/src/index.ts',
    '^cdktf-vbs-backup/client$': '<rootDir>/src/client/index.ts',
    '^cdktf-vbs-backup/emulator$': '<rootDir>/src/emulator/index.ts',
  },
  testTimeout: 30000,
};
