/** Stable exit codes: scripts and CI gates depend on them. */
export const EXIT_OK = 0;
/** Lint errors, or more warnings than `--max-warnings` allows. */
export const EXIT_FINDINGS = 1;
/** Bad flags, bad configuration, a path that does not exist, an I/O failure, or an internal error. */
export const EXIT_USAGE = 2;
