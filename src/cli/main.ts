// The `herald` command line (commander). Each subcommand lives in its own module; the daemon, MRT and
// MetalLB-import modules, and the YAML parser, are loaded only by the command that runs them (a
// daemon's memory, issue 19).
import { Command } from 'commander';
import { parseAlwaysBlock } from '../config/always-block-flag.js';
import { redactConfig } from '../config/redact-config.js';
import { ConfigError } from '../config/validate.js';
import { localPrefConfigWarnings } from '../daemon/announcement-reach.js';
import { multihopWarnings } from '../daemon/multihop-hint.js';
import { VERSION } from '../version.js';
import { addApiCommands } from './api-commands.js';
import { quietOnClosedPipe } from './closed-pipe.js';
import { completionScript } from './completion.js';

function exitWith(code: number): void {
  process.exitCode = code;
}

export function buildProgram(): Command {
  const program = new Command('herald')
    .description('Herald: a BGP speaker for Kubernetes and bare-metal Linux')
    .version(VERSION)
    // A bad argument or option exits 2, as a request the API rejects does (1: daemon unreachable).
    // Set before the commands are added: each inherits it.
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2));

  program
    .command('run')
    .description('run the daemon in the foreground')
    .requiredOption('-c, --config <file>', 'configuration file (YAML)')
    .option('--kubeconfig <file>', 'Kubernetes mode: kubeconfig file (default: KUBECONFIG, else in-cluster)')
    .option('--state-dir <dir>', 'keep API route changes across restarts here (wins over stateDir)')
    .option(
      '--always-block <cidrs>',
      'never accept routes for these comma-separated CIDRs or inside them, added to alwaysBlock (default: HERALD_ALWAYS_BLOCK)',
    )
    .action(
      async (opts: { config: string; kubeconfig?: string; stateDir?: string; alwaysBlock?: string }) => {
        let alwaysBlock: string[];
        try {
          alwaysBlock = parseAlwaysBlock(opts.alwaysBlock ?? process.env.HERALD_ALWAYS_BLOCK ?? '');
        } catch (e) {
          process.stderr.write(`${(e as Error).message}\n`);
          return exitWith(2);
        }
        const options = { kubeconfig: opts.kubeconfig, stateDir: opts.stateDir, alwaysBlock };
        const { runDaemon } = await import('../daemon/run.js');
        exitWith(await runDaemon(opts.config, options));
      },
    );

  program
    .command('check-config')
    .description('validate a configuration file and print it normalized')
    .argument('<file>', 'configuration file (YAML)')
    .action(async (file: string) => {
      const { loadConfig } = await import('../config/load-config.js');
      try {
        const config = loadConfig(file);
        process.stdout.write(`${JSON.stringify(redactConfig(config), null, 2)}\n`);
        for (const w of multihopWarnings(config)) process.stderr.write(`warning: ${w}\n`);
        for (const w of localPrefConfigWarnings(config)) process.stderr.write(`warning: ${w}\n`);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        process.stderr.write(`${e.message}\n`);
        exitWith(2);
      }
    });

  const mrt = program.command('mrt').description('read MRT routing data (RFC 6396)');
  mrt
    .command('dump')
    .description('print every route in an MRT file (.gz or plain) as bgpdump -m lines')
    .argument('<file>', 'MRT file')
    .option('--json', 'one JSON object per route')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { mrtDump } = await import('./mrt-dump.js');
      exitWith(await mrtDump(file, opts));
    });

  program
    .command('import-metallb')
    .description("convert MetalLB's legacy ConfigMap into metallb.io resources (YAML for kubectl apply)")
    .argument('<file>', 'the ConfigMap manifest, or its data.config text; - for stdin')
    .option('-n, --namespace <ns>', "namespace of the resources (default: the ConfigMap's)")
    .action(async (file: string, opts: { namespace?: string }) => {
      const { importMetalLbCommand } = await import('./import-metallb.js');
      exitWith(importMetalLbCommand(file, opts));
    });

  addApiCommands(program);
  program
    .command('completion')
    .description('print a shell completion script: eval "$(herald completion bash)"')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => {
      try {
        quietOnClosedPipe();
        process.stdout.write(completionScript(program, shell));
      } catch (e) {
        process.stderr.write(`herald: ${(e as Error).message}\n`);
        exitWith(2);
      }
    });
  return program;
}

await buildProgram().parseAsync(process.argv);
