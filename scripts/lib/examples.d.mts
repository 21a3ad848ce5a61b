import type { RuleExample } from '../../src/cli/explain.js';
export declare function collectExamples(fixturesDir: string): Record<string, RuleExample>;
