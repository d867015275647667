/**
 * Reads a passphrase on the terminal without echoing it: raw mode, so no character reaches
 * the screen or the scrollback. Node's readline has no hidden input; this is the whole of it.
 * Ctrl-C in raw mode arrives as a character, not a signal: it ends the prompt as INTERRUPTED.
 */
import { ProblemError, problem } from '../core/problem.js';

export function askHidden(input: NodeJS.ReadStream, output: NodeJS.WritableStream, question: string): Promise<string> {
  output.write(question);
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const wasRaw = input.isRaw;
    const finish = (settle: () => void) => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      settle();
    };
    const onData = (chunk: Buffer | string) => {
      for (const character of chunk.toString()) {
        if (character === '\r' || character === '\n' || character === '\u0004') return finish(() => resolve(typed.join('')));
        if (character === '\u0003') return finish(() => reject(new ProblemError(problem('INTERRUPTED', 'Interrupted at the passphrase prompt', 'Nothing was written.'))));
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else if (character >= ' ') typed.push(character);
      }
    };
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}
