/**
 * `aktin-sftp completion [bash|zsh]`: prints a shell completion script. The script asks
 * `aktin-sftp --get-yargs-completions WORDS...` (yargs answers it from the same option tables
 * --help shows), so completions never fall behind the commands.
 */
import { hideConfigOption, type CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';

const SHELLS = ['bash', 'zsh'] as const;
type Shell = (typeof SHELLS)[number];

/** Options whose value is a path: the shell completes file names there, not options. */
const FILE_OPTIONS = ['-c', '--config', '-o', '--out', '--output', '-k', '--key', '--metrics-file'];

interface CompletionArgs {
  readonly shell?: Shell;
}

export const completionCommand: CliCommand<CompletionArgs> = {
  command: 'completion [shell]',
  describe: 'Print the shell completion script (bash or zsh) for commands, options and their values',
  builder: (y) =>
    hideConfigOption(y)
      .positional('shell', { choices: SHELLS, describe: 'bash or zsh (default: the one $SHELL names, else bash)' })
      .example('$0 completion bash >> ~/.bashrc', 'bash: complete in every new shell')
      .example('$0 completion zsh >> ~/.zshrc', 'zsh (after compinit): the same')
      .example('source <($0 completion)', 'this shell only'),
  run: async (args, io) => {
    const shell = args.shell ?? (/zsh/.test(io.env.SHELL ?? '') ? 'zsh' : 'bash');
    io.stdout.write(shell === 'zsh' ? ZSH : BASH);
    return EXIT.OK;
  },
};

// SHELL= tells yargs which format to answer in (zsh wants "word:description"); the user's
// login shell need not be the shell that is completing.
const BASH = `###-begin-aktin-sftp-completions-###
# bash completion for aktin-sftp. Install:
#   aktin-sftp completion bash > ~/.local/share/bash-completion/completions/aktin-sftp
_aktin_sftp_completions()
{
    local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
    COMPREPLY=()
    case "$prev" in
        ${FILE_OPTIONS.join('|')}) return 0 ;;
    esac
    local -a words
    mapfile -t words < <(SHELL=/bin/bash aktin-sftp --get-yargs-completions "\${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null)
    mapfile -t COMPREPLY < <(compgen -W "\${words[*]}" -- "$cur")
    return 0
}
complete -o bashdefault -o default -F _aktin_sftp_completions aktin-sftp
###-end-aktin-sftp-completions-###
`;

const ZSH = `#compdef aktin-sftp
###-begin-aktin-sftp-completions-###
# zsh completion for aktin-sftp. Install (with compinit):
#   aktin-sftp completion zsh > "\${fpath[1]}/_aktin-sftp"
_aktin_sftp_completions()
{
  case "\${words[CURRENT-1]}" in
    ${FILE_OPTIONS.join('|')}) _files; return ;;
  esac
  local -a reply
  reply=("\${(@f)$(SHELL=/bin/zsh aktin-sftp --get-yargs-completions "\${(@)words[1,CURRENT]}" 2>/dev/null)}")
  if [[ \${#reply} -gt 0 && -n "\${reply[1]}" ]]; then
    _describe 'values' reply
  else
    _files
  fi
}
if [[ "\${zsh_eval_context[-1]}" == "loadautofunc" ]]; then
  _aktin_sftp_completions "$@"
else
  compdef _aktin_sftp_completions aktin-sftp
fi
###-end-aktin-sftp-completions-###
`;
