// Nest 12 packages are ES modules. Node loads them from CommonJS natively (require(esm)), but
// Jest's module loader does not on Node 20, so they are compiled to CommonJS by SWC like our code.
// Type checking is done by `npm run typecheck`, not by the test run.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  testEnvironment: 'node',
  rootDir: '.',
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|token-types|strtok3|uint8array-extras|@tokenizer|jose|openapi-typescript|openapi-fetch|openapi-typescript-helpers|parse-json|index-to-position|change-case|supports-color|content-disposition|cookie|@scure|@noble|@otplib)/)',
  ],
};

module.exports = {
  // jest-circus reads the timeout (hooks included) from the global config, not the project's: an
  // app boot in beforeAll can take over 5 s when many e2e files start at once on two cores.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    // The reference consumer's own tests (examples/mesh-service), so CI runs them.
    { ...common, displayName: 'example', testMatch: ['<rootDir>/examples/*/test/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
