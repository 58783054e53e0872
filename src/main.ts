import { buildProgram } from './cli/program.ts';
import { ConfigError } from './config.ts';
import { DomainError } from './domain-error.ts';

/** Process entry: `officine-mss <command>`. Known errors print a French line, not a stack. */
try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof DomainError || error instanceof ConfigError) {
    process.stderr.write(`Erreur : ${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
