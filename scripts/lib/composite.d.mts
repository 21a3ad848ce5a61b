export declare function readOutputs(file: string): Record<string, string>;
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the start until the marker first appeared on standard output. */
  markerMs: number | undefined;
}
export declare function spawnUntil(
  command: string,
  args: readonly string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; marker?: string; start?: number },
): Promise<Run>;
export declare function runComposite(
  actionPath: string,
  cwd: string,
  given?: Record<string, string>,
  opts?: { env?: NodeJS.ProcessEnv; marker?: string },
): Promise<Run & { code: number; outputs: Record<string, string> }>;
