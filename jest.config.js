/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Examples import the package by name, as users do; tests resolve it to the sources.
  moduleNameMapper: {
    '^cdktf-vbs-backup$': '<rootDir>/src/index.ts',
    '^cdktf-vbs-backup/(client|emulator)$': '<rootDir>/src/$1/index.ts',
  },
  testTimeout: 30000,
};
