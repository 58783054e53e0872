/** What CLI commands write to: injected so tests can capture it. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const nf = new Intl.NumberFormat('fr-FR');
export const formatCount = (n: number) => nf.format(n);
