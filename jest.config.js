/** Jest runs with --experimental-vm-modules (see package.json) so that Baileys, an ES
 *  module, can be loaded through dynamic import() from our CommonJS build. */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    // The generated Prisma client imports its own .ts files with .js extensions.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    ...pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  },
  testTimeout: 60000,
  // Baileys leaves a pre-key upload timer running after a first login (not ours to clear).
  forceExit: true,
};
