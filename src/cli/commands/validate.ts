/**
 * `aktin-sftp validate`: checks the configuration (every problem at once), the key file or
 * recipients and the ledger, without touching the network. Exit 0 when all is valid, 64 for configuration
 * problems, 1 for a bad key or ledger. Prints no secret: the JSON form is the non-secret view.
 */
import { resolve } from 'node:path';
import { validateSetup, type SetupReport } from '../../app/validate-setup.js';
import type { Config } from '../../core/config.js';
import { nonSecretConfigView } from '../../core/config-rules.js';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { showWarnings } from '../load-config.js';
import { loadConfig, openWorld } from '../open-world.js';
import type { ColorChoice } from '../color.js';
import { chalkFor } from '../render-problems.js';

interface ValidateArgs {
  readonly json: boolean;
}

export const validateCommand: CliCommand<ValidateArgs> = {
  command: 'validate',
  describe: 'Check the configuration, the key file and the ledger without touching the network',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'Print the checked configuration (secrets shown only as set or not) as JSON (schemas/validate.schema.json)' })
      .example('$0 validate -c /etc/aktin/settings.toml', 'before the first apply, and after every edit')
      .example('$0 validate --json', 'the configuration as read, without secrets'),
  epilog: 'Exit codes: 0 valid, 64 configuration problems (all are listed), 1 the key file or the ledger is not valid.',
  run: async (args, io) => {
    const file = resolve(io.cwd, args.config);
    const warnings: string[] = [];
    let config: Config;
    try {
      ({ config } = await loadConfig(file, io.env, { onWarning: (m) => warnings.push(m) }));
    } finally {
      showWarnings(io, args, warnings); // also when the configuration has problems: a typo'd key often explains them
    }
    const keyWarnings: string[] = [];
    let report: SetupReport;
    try {
      report = await validateSetup(openWorld(config, (e) => e.type === 'warning' && keyWarnings.push(e.message)));
    } finally {
      showWarnings(io, args, keyWarnings);
    }
    if (args.json) io.stdout.write(JSON.stringify(toJson(config, report, [...warnings, ...keyWarnings]), null, 2) + '\n');
    else io.stdout.write(renderSummary(config, report, io, args.color));
    return EXIT.OK;
  },
};

function ledgerFacts(snapshot: SetupReport['ledger']) {
  const { ledger } = snapshot;
  const tombstones = ledger.entries.filter((e) => e.deleted !== undefined).length;
  return { exists: snapshot.sha256 !== null, entries: ledger.entries.length, tombstones, serial: ledger.serial, lineage: ledger.lineage ?? null };
}

function toJson(config: Config, { key, ledger, ledgerPath, lock }: SetupReport, warnings: string[]): object {
  return {
    valid: true,
    config_file: config.source,
    config: nonSecretConfigView(config),
    key_file:
      config.encryption.kind === 'fernet'
        ? { path: config.encryption.keyFile, valid: true, scheme: key.scheme, key_id: key.keyId }
        : { path: null, valid: true, scheme: key.scheme, key_id: key.keyId, holds_secret_key: false, recipients: [...(key.recipients ?? [])] },
    ledger: { path: ledgerPath, ...ledgerFacts(ledger), sha256: ledger.sha256 },
    lock,
    warnings,
  };
}

function renderSummary(config: Config, { key, ledger: snapshot, ledgerPath, lock }: SetupReport, io: CliIo, color: ColorChoice): string {
  const chalk = chalkFor(io, color);
  const { remote: sftp } = config;
  const facts = ledgerFacts(snapshot);
  const trust =
    sftp.hostKeyFingerprints.length > 0
      ? `host key pinned (${sftp.hostKeyFingerprints.length} fingerprint${sftp.hostKeyFingerprints.length === 1 ? '' : 's'})`
      : `host key from ${sftp.knownHosts}`;
  const auth = sftp.privateKey ? `key ${sftp.privateKey}` : 'password';
  const ledgerLine = facts.exists
    ? `${ledgerPath}: ${facts.entries} entr${facts.entries === 1 ? 'y' : 'ies'} (${facts.tombstones} deleted), serial ${facts.serial}${facts.lineage ? '' : ', written by the original tool'}`
    : `${ledgerPath}: not created yet (the first apply creates it)`;
  return [
    `${chalk.green('✓')} ${chalk.bold(`Configuration ${config.source} is valid.`)}`,
    `  Broker:    ${config.broker.url}, tag '${config.tag}', timeout ${config.broker.timeoutSeconds}s, concurrency ${config.broker.concurrency}${config.caBundle ? `, CA bundle ${config.caBundle}` : ''}`,
    `  SFTP:      ${sftp.username}@${sftp.host}:${sftp.port}, folder '${sftp.folder}', ${auth}, ${trust}`,
    ...keyLines(config, key),
    `  Ledger:    ${ledgerLine}`,
    `  Apply:     concurrency ${config.apply.concurrency}, max delete ${config.apply.maxDelete ?? 'no cap'}`,
    `  Lock:      ${lock ? chalk.yellow(`held by ${lock.operation} (${lock.who}, pid ${lock.pid}) since ${lock.created}, ID ${lock.id}`) : 'free'}`,
    '',
  ].join('\n');
}

/** Fernet: the shared key file. A public-key scheme: no secret here, and whose secret opens the files. */
function keyLines({ encryption }: Config, key: SetupReport['key']): string[] {
  if (encryption.kind === 'fernet') return [`  Key file:  ${encryption.keyFile} (a valid key (${key.label}), key id ${key.keyId})`];
  const recipients = key.recipients ?? [];
  return [
    `  Encryption: ${key.label} to ${recipients.length} recipient${recipients.length === 1 ? '' : 's'}, key id ${key.keyId}. This configuration holds no secret key:`,
    `             only the holder of a recipient's secret key can decrypt. Recipients (public form):`,
    ...recipients.map((r) => `               ${r}`),
  ];
}
