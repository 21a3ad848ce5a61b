declare const __LINKERD_LINT_VERSION__: string | undefined;

/** Replaced with the package version when the CLI is bundled (scripts/build.mjs). */
export const VERSION: string = typeof __LINKERD_LINT_VERSION__ === 'string' ? __LINKERD_LINT_VERSION__ : '0.0.0-dev';
export const HOMEPAGE = 'https://github.com/linkerd-lint/linkerd-lint';

export function ruleDocsUrl(ruleId: string): string {
  return `${HOMEPAGE}/blob/main/docs/rules.md#${ruleId}`;
}

/** This tool, as reports name it. */
export const TOOL = { version: VERSION, homepage: HOMEPAGE, ruleDocsUrl };
