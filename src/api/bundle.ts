// The entry of dist/main.js: the CLI's `main` (dist/cli.js and the GitHub Action run it)
// and the programmatic API (dist/index.js re-exports it), in one bundle so their shared
// code is not split into chunks (see scripts/build.mjs).
export { main } from '../cli/main.js';
export * from './index.js';
// `linkerd-lint/testing` (dist/testing.js re-exports these): in the same bundle, for the same reason.
export { fixtureTests, pluginDocs, runFixtures } from '../testing/index.js';
