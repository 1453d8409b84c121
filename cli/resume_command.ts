/**
 * The command that continues a run: the one the user typed, with
 * `--resume-from DIR` in place of `--overwrite` or an older `--resume-from`,
 * quoted so it can be pasted into a POSIX shell.
 *
 * @module
 */

/** `skyeval <command> <args>` that resumes `runDir`. */
export function resumeCommand(command: string, args: readonly string[], runDir: string): string {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--overwrite" || args[i].startsWith("--resume-from=")) continue;
    if (args[i] === "--resume-from") {
      i++;
      continue;
    }
    kept.push(args[i]);
  }
  return ["skyeval", command, ...kept, "--resume-from", runDir].map(shellQuote).join(" ");
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
