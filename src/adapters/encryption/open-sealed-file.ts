/**
 * Opens an age or Crypt4GH file in one streaming pass with flat memory. Both formats
 * authenticate every chunk before its plaintext is released, but only the end of the input
 * shows that nothing is missing: so the plaintext goes to a temporary file beside the output
 * (output-file.ts), renamed onto it only when the opener ended without error, and removed on
 * any failure.
 */
import { resolve } from 'node:path';
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProblemError, isProblemError, problem } from '../../core/problem.js';
import { fileProblem, openFile, replaceOutput } from './output-file.js';

const READ_CHUNK = 256 * 1024;

export async function openSealedFile(input: string, output: string, opener: Transform): Promise<{ bytes: number }> {
  if (resolve(input) === resolve(output)) {
    throw new ProblemError(problem('USAGE', 'The output must differ from the input', `Both are ${input}.`, 'Choose another output path.'));
  }
  const source = await openFile(input, 'r', undefined, `Cannot read the file ${input}`);
  try {
    if (!(await source.stat()).isFile()) throw new ProblemError(problem('FILE_IO', `Cannot read the file ${input}`, 'It is not a regular file.'));
    let bytes = 0;
    await replaceOutput(output, (target) =>
      pipeline(source.createReadStream({ autoClose: false, highWaterMark: READ_CHUNK }), opener, async (plain: AsyncIterable<Buffer>) => {
        for await (const part of plain) {
          await target.write(part);
          bytes += part.length;
        }
      }),
    );
    return { bytes };
  } catch (error) {
    throw !isProblemError(error) && typeof (error as NodeJS.ErrnoException)?.code === 'string' ? fileProblem(`Cannot decrypt ${input} to ${output}`, error) : error;
  } finally {
    await source.close();
  }
}
