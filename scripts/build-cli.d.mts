/** Types of scripts/build-cli.mjs, for the TypeScript that calls it (test setup, bench). */

/** Where the CLI is built (dist/cli). */
export declare const CLI_OUT_DIR: string;

/** The module the entry point runs (cli.js). */
export declare const CLI_ENTRY_FILE: string;

/** True when `outDir` holds a build newer than every project file that went into it. */
export declare function buildIsCurrent(outDir?: string): boolean;

/** Builds the CLI into `outDir` (removing older builds' files with `prune`); returns the files written. */
export declare function buildCli(options?: { outDir?: string; prune?: boolean }): Promise<string[]>;
