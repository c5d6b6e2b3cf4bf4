/**
 * Runs a command-line tool's `main(args)`: its answer becomes the exit code, a crash prints
 * `<name> failed: <stack>` and exits 1.
 *
 *   runCli('forge', main); // in tools/forge/cli.ts
 */
export function runCli(name: string, main: (args: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
