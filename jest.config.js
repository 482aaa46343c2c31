/** Jest runs TypeScript through @swc/jest: no type-check here (`npm run typecheck` does that). */
const esmPackages = [
  "@octokit", "universal-user-agent", "before-after-hook", "bottleneck", "content-type",
  "fast-content-type-parse", "json-with-bigint", "toad-cache",
].join("|");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.(t|j|mj)s$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages})/)`],
  moduleFileExtensions: ["ts", "js", "mjs", "cjs", "json"],
  // Token stack traces off in every test file, as in main.ts (test/support/jest-setup.ts says why).
  setupFiles: ["<rootDir>/test/support/jest-setup.ts"],
  globalSetup: "<rootDir>/test/global-setup.js",
  globalTeardown: "<rootDir>/test/global-teardown.js",
  // Each test file starts from the code cache of the modules earlier files in its worker compiled (-30% CPU on
  // test/modules + test/policy); MLOPS_JEST_CODE_CACHE=off runs plain jest.
  ...(process.env.MLOPS_JEST_CODE_CACHE === "off" ? {} : { runtime: "<rootDir>/test/support/code-cache-runtime.js" }),
  maxWorkers: "100%", // one worker per core (2 here, as before), more on a bigger CI runner
  testTimeout: 60000,
};
