/**
 * The command lines hints suggest: the run's options repeated, every word quoted for sh.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { quoteWord, renderCommandLine, type RunOptions } from '../../src/core/command-line.js';
import { runOptionsOf } from '../../src/cli/run-options.js';

const cases: { name: string; words: string[]; run: RunOptions; want: string }[] = [
  { name: 'no options given: the bare command', words: ['apply', 'plan.json'], run: {}, want: 'aktin-sftp apply plan.json' },
  { name: 'the config file repeated', words: ['apply', 'plan.json'], run: { config: '/etc/aktin-sftp/settings.toml' }, want: 'aktin-sftp apply plan.json -c /etc/aktin-sftp/settings.toml' },
  { name: 'and the log format', words: ['apply', 'p.json'], run: { config: 'a.toml', logFormat: 'json' }, want: 'aktin-sftp apply p.json -c a.toml --log-format json' },
  { name: 'a path with a space', words: ['apply', 'my plan.json'], run: { config: '/srv/aktin sftp/settings.toml' }, want: "aktin-sftp apply 'my plan.json' -c '/srv/aktin sftp/settings.toml'" },
  { name: 'a quote and shell characters', words: ['apply', "it's;$(x)`y`"], run: {}, want: "aktin-sftp apply 'it'\\''s;$(x)`y`'" },
  { name: 'force-unlock with its id', words: ['force-unlock', '9f1c2e4a-0b7d-4c3e-8a51-2d6f0e9b7c13'], run: { config: 'settings.toml' }, want: 'aktin-sftp force-unlock 9f1c2e4a-0b7d-4c3e-8a51-2d6f0e9b7c13 -c settings.toml' },
  { name: 'an empty word stays a word', words: ['apply', ''], run: {}, want: "aktin-sftp apply ''" },
  { name: 'a leading dash is no shell matter', words: ['apply', '-plan.json'], run: {}, want: 'aktin-sftp apply -plan.json' },
];

describe('renderCommandLine', () => {
  for (const c of cases) {
    it(c.name, () => assert.equal(renderCommandLine(c.words, c.run), c.want));
  }

  it('every quoted word reaches the program as it was, through a real sh', () => {
    const words = ['plain', 'with space', "it's", '$HOME', '`id`', 'a"b', '*', '', 'tab\there', 'new\nline', 'ünïcode'];
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${words.map(quoteWord).join(' ')}`]);
    assert.deepEqual(out.toString('utf8').split('\0').slice(0, -1), words);
  });
});

describe('runOptionsOf', () => {
  it('repeats --config only when it is not what a bare command reads', () => {
    assert.deepEqual(runOptionsOf({ config: 'config.toml', 'log-format': 'text' }, { env: {} }), {});
    assert.deepEqual(runOptionsOf({ config: 'settings.toml', 'log-format': 'text' }, { env: {} }), { config: 'settings.toml' });
    assert.deepEqual(runOptionsOf({ config: '/etc/a.toml', 'log-format': 'text' }, { env: { AKTIN_SFTP_CONFIG: '/etc/a.toml' } }), {});
    assert.deepEqual(runOptionsOf({ config: 'config.toml', 'log-format': 'json' }, { env: { AKTIN_SFTP_CONFIG: '/etc/a.toml' } }), { config: 'config.toml', logFormat: 'json' });
  });
});
