/**
 * `--color auto|always|never` and the environment's say (NO_COLOR, FORCE_COLOR, TERM=dumb,
 * whether stdout is a terminal), as a table and through the command line.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { colorLevel, type ColorChoice } from '../../src/cli/color.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { tempDir } from '../support/temp-dir.js';

describe('colour level', () => {
  const cases: [ColorChoice, Record<string, string>, boolean, number][] = [
    ['auto', {}, true, 1],
    ['auto', {}, false, 0],
    ['auto', { NO_COLOR: '1' }, true, 0],
    ['auto', { NO_COLOR: '' }, true, 1], // no-color.org: only a non-empty NO_COLOR counts
    ['auto', { TERM: 'dumb' }, true, 0],
    ['auto', { TERM: 'xterm-256color' }, true, 1],
    ['auto', { FORCE_COLOR: '1' }, false, 1],
    ['auto', { FORCE_COLOR: '' }, false, 1],
    ['auto', { FORCE_COLOR: 'true' }, false, 1],
    ['auto', { FORCE_COLOR: '2' }, false, 2],
    ['auto', { FORCE_COLOR: '3' }, false, 3],
    ['auto', { FORCE_COLOR: '0' }, true, 0],
    ['auto', { FORCE_COLOR: 'false' }, true, 0],
    ['auto', { FORCE_COLOR: '1', NO_COLOR: '1' }, false, 1], // as in Node: FORCE_COLOR wins
    ['auto', { FORCE_COLOR: '1', TERM: 'dumb' }, false, 1],
    ['always', {}, false, 1],
    ['always', { NO_COLOR: '1', TERM: 'dumb' }, false, 1], // the flag is the more specific request
    ['always', { FORCE_COLOR: '3' }, false, 3],
    ['always', { FORCE_COLOR: '0' }, false, 1],
    ['never', {}, true, 0],
    ['never', { FORCE_COLOR: '3' }, true, 0],
  ];
  for (const [choice, env, tty, want] of cases) {
    it(`--color ${choice}, ${JSON.stringify(env)}, ${tty ? 'a terminal' : 'no terminal'}: level ${want}`, () => {
      assert.equal(colorLevel(choice, env, tty), want);
    });
  }
});

describe('--color through the command line', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A valid deployment for `validate`, which prints a coloured summary without any network. */
  function deployment(mode = 0o600): { dir: string; config: string } {
    const dir = tempDir('options-color');
    dirs.push(dir);
    writeFileSync(join(dir, 'rki.key'), randomBytes(32).toString('base64url') + '=', { mode: 0o600 });
    const config = join(dir, 'settings.toml');
    writeFileSync(
      config,
      '[BROKER]\nURL = "http://127.0.0.1:9/"\nAPI_KEY = "k"\n[REQUESTS]\nTAG = "rki"\n' +
        '[SFTP]\nHOST = "127.0.0.1"\nUSERNAME = "u"\nPASSWORD = "p"\nTIMEOUT = "25"\nFOLDERNAME = "rki"\n' +
        'HOST_KEY_FINGERPRINTS = ["SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"]\n' +
        '[SECURITY]\nPATH_ENCRYPTION_KEY = "rki.key"\n[MISC]\nWORKING_DIR = "."\n',
      { mode: 0o600 },
    );
    chmodSync(config, mode);
    return { dir, config };
  }

  async function run(args: string[], env: Record<string, string>, isTTY: boolean, mode?: number): Promise<{ code: number; out: string; err: string }> {
    const { dir, config } = deployment(mode);
    let out = '';
    let err = '';
    const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY, env, cwd: dir };
    const code = await runCli(['validate', '-c', config, ...args], io);
    return { code, out, err };
  }

  const ESC = '\u001b[';
  const cases: [string[], Record<string, string>, boolean, boolean][] = [
    [[], {}, true, true],
    [[], {}, false, false],
    [[], { NO_COLOR: '1' }, true, false],
    [[], { TERM: 'dumb' }, true, false],
    [[], { FORCE_COLOR: '1' }, false, true],
    [['--color', 'always'], {}, false, true],
    [['--color=always'], { NO_COLOR: '1' }, false, true],
    [['--color'], {}, false, false], // bare: auto, as the former boolean flag
    [['--color'], {}, true, true],
    [['--color', 'never'], {}, true, false],
    [['--no-color'], {}, true, false],
    [['--no-color'], { FORCE_COLOR: '1' }, true, false],
    [['--color', 'auto'], {}, true, true],
  ];
  for (const [args, env, tty, coloured] of cases) {
    it(`validate ${args.join(' ') || '(no flag)'} with ${JSON.stringify(env)} ${tty ? 'on' : 'off'} a terminal is ${coloured ? '' : 'not '}coloured`, async () => {
      const r = await run(args, env, tty);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out.includes(ESC), coloured, JSON.stringify(r.out));
    });
  }

  // A config file others may read draws a warning: warnings once coloured by themselves.
  for (const [args, env, tty, coloured] of cases) {
    it(`validate's warning, ${args.join(' ') || '(no flag)'} with ${JSON.stringify(env)} ${tty ? 'on' : 'off'} a terminal, is ${coloured ? '' : 'not '}coloured`, async () => {
      const r = await run(args, env, tty, 0o644);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /Warning:.*can be read or written by any user/);
      assert.equal(r.err.includes(ESC), coloured, JSON.stringify(r.err));
    });
  }

  it('colours an error as --color says, also one found before the command ran', async () => {
    const never = await run(['--color', 'never', '--bogus'], { FORCE_COLOR: '1' }, true);
    assert.equal(never.code, 64);
    assert.ok(!never.err.includes(ESC), never.err);
    const always = await run(['--color', 'always', '--bogus'], {}, false);
    assert.equal(always.code, 64);
    assert.ok(always.err.includes(ESC), always.err);
  });
});
