// `herald completion bash|zsh`: a completion script built from the command tree itself, so it
// never goes stale. Subcommands and their options complete; file arguments fall back to files.
import type { Command } from 'commander';

function words(c: Command): string {
  return [
    ...c.commands.map((s) => s.name()),
    ...c.options.flatMap((o) => [o.long, o.short].filter((x): x is string => x !== undefined)),
  ].join(' ');
}

/** Bash completion (zsh loads it through bashcompinit). */
export function bashCompletion(program: Command): string {
  const cases = program.commands.map((c) => `    ${c.name()}) opts="${words(c)}" ;;`).join('\n');
  return `# herald bash completion: eval "$(herald completion bash)"
_herald() {
  local cur=\${COMP_WORDS[COMP_CWORD]} opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    opts="${words(program)}"
  else
    case "\${COMP_WORDS[1]}" in
${cases}
    *) opts="" ;;
    esac
  fi
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _herald herald
`;
}

export function completionScript(program: Command, shell: string): string {
  if (shell === 'bash') return bashCompletion(program);
  if (shell === 'zsh')
    return `# herald zsh completion: eval "$(herald completion zsh)"\nautoload -U +X bashcompinit && bashcompinit\n${bashCompletion(program)}`;
  throw new Error(`no completion for ${shell} (bash or zsh)`);
}
