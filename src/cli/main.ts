// The `herald` command line (commander). Each subcommand lives in its own module.
import { Command } from 'commander';
import { loadConfig, redactConfig } from '../config/load-config.js';
import { ConfigError } from '../config/validate.js';
import { localPrefConfigWarnings } from '../daemon/announcement-reach.js';
import { multihopWarnings } from '../daemon/multihop-hint.js';
import { runDaemon } from '../daemon/run.js';
import { VERSION } from '../version.js';
import { addApiCommands } from './api-commands.js';
import { completionScript } from './completion.js';
import { importMetalLbCommand } from './import-metallb.js';
import { mrtDump } from './mrt-dump.js';

function exitWith(code: number): void {
  process.exitCode = code;
}

export function buildProgram(): Command {
  const program = new Command('herald')
    .description('Herald: a BGP speaker for Kubernetes and bare-metal Linux')
    .version(VERSION);

  program
    .command('run')
    .description('run the daemon in the foreground')
    .requiredOption('-c, --config <file>', 'configuration file (YAML)')
    .option('--kubeconfig <file>', 'Kubernetes mode: kubeconfig file (default: KUBECONFIG, else in-cluster)')
    .option('--state-dir <dir>', 'keep API route changes across restarts here (wins over stateDir)')
    .action(async (opts: { config: string; kubeconfig?: string; stateDir?: string }) =>
      exitWith(await runDaemon(opts.config, { kubeconfig: opts.kubeconfig, stateDir: opts.stateDir })),
    );

  program
    .command('check-config')
    .description('validate a configuration file and print it normalized')
    .argument('<file>', 'configuration file (YAML)')
    .action((file: string) => {
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
    .action(async (file: string, opts: { json?: boolean }) => exitWith(await mrtDump(file, opts)));

  program
    .command('import-metallb')
    .description("convert MetalLB's legacy ConfigMap into metallb.io resources (YAML for kubectl apply)")
    .argument('<file>', 'the ConfigMap manifest, or its data.config text; - for stdin')
    .option('-n, --namespace <ns>', "namespace of the resources (default: the ConfigMap's)")
    .action((file: string, opts: { namespace?: string }) => exitWith(importMetalLbCommand(file, opts)));

  addApiCommands(program);
  program
    .command('completion')
    .description('print a shell completion script: eval "$(herald completion bash)"')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => {
      try {
        process.stdout.write(completionScript(program, shell));
      } catch (e) {
        process.stderr.write(`herald: ${(e as Error).message}\n`);
        exitWith(2);
      }
    });
  return program;
}

await buildProgram().parseAsync(process.argv);
