import type { Command } from 'commander';
import { integerOption } from '../integer-option.ts';

interface UpOptions {
  build?: boolean;
  readyTimeout: number;
}

interface LogsOptions {
  follow?: boolean;
  tail?: number;
}

const stdout = (line: string): void => void process.stdout.write(`${line}\n`);
const stderr = (text: string): void => void process.stderr.write(text);

/**
 * `zk-cookbook compose ...`: the compose files under compose/ and examples/<pattern>/compose.yml,
 * driven through the docker-compose package. The work is in ../compose/; this is the glue.
 */
export function register(program: Command): void {
  const compose = program
    .command('compose')
    .description(
      'run the shared ensemble and a pattern in Docker containers (compose/zookeeper.yml + ' +
        'examples/<pattern>/compose.yml); `zk-cookbook run` does the same without Docker',
    );

  compose
    .command('up')
    .argument('[target]', 'a pattern with a compose.yml, or "monitoring"; nothing for the ensemble alone')
    .description(
      'start it detached, wait until the ensemble is healthy and every service ready, print the URLs ' +
        '(needs a Docker engine and Compose V2)',
    )
    .option('--build', 'rebuild the zk-cookbook image first')
    .option(
      '--ready-timeout <ms>',
      'how long the services get to become ready once started',
      integerOption(1_000),
      300_000,
    )
    .action(async (name: string | undefined, options: UpOptions) => {
      const { resolveComposeTarget } = await import('../compose/compose-target.ts');
      const { composeUp } = await import('../compose/compose-up.ts');
      const table = await composeUp({
        target: resolveComposeTarget(name),
        build: options.build ?? false,
        readyTimeoutMs: options.readyTimeout,
        output: stdout,
        write: stderr,
      });
      process.stdout.write(`\n${table}\n`);
    });

  compose
    .command('check')
    .argument('[target]', 'a pattern with a compose.yml, or "monitoring"; nothing for the ensemble alone')
    .description('what `up` checks before it starts anything: an engine, Compose V2, the ports it publishes')
    .action(async (name: string | undefined) => {
      const { resolveComposeTarget } = await import('../compose/compose-target.ts');
      const { runPreflight, preflightProblems } = await import('../compose/compose-preflight.ts');
      const preflight = await runPreflight(resolveComposeTarget(name));
      const ports = preflight.config.active.flatMap((service) => service.ports);
      stdout(`compose: ${preflight.compose.command.join(' ')} ${preflight.compose.version}`);
      stdout(`engine:  ${preflight.engine ? `Docker ${preflight.engine.version}` : 'none answers'}`);
      stdout(`ports:   ${ports.length - preflight.takenPorts.length} of ${ports.length} free`);
      const problems = preflightProblems(preflight);
      for (const problem of problems) process.stderr.write(`zk-cookbook: ${problem.message}\n`);
      if (problems.length > 0) process.exitCode = 1;
      else stdout('ready for: npx zk-cookbook compose up' + (name ? ` ${name}` : ''));
    });

  compose
    .command('down')
    .description(
      'stop and remove every container the compose files define (the ensemble, monitoring, patterns)',
    )
    .option('-v, --volumes', 'also remove the named volumes: the ensemble data, Prometheus, Grafana')
    .action(async (options: { volumes?: boolean }) => {
      const { composeDown } = await import('../compose/compose-lifecycle.ts');
      await composeDown({ volumes: options.volumes ?? false, output: stdout, write: stderr });
    });

  compose
    .command('ps')
    .description('the containers of the project: state, health, published ports')
    .action(async () => {
      const { composePs } = await import('../compose/compose-lifecycle.ts');
      stdout(await composePs());
    });

  compose
    .command('logs')
    .argument('<service>', 'a service of the compose files, e.g. zoo1, publisher')
    .description("a service's logs")
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('-n, --tail <lines>', 'only the last lines', integerOption(0))
    .action(async (service: string, options: LogsOptions) => {
      const { composeLogs } = await import('../compose/compose-lifecycle.ts');
      await composeLogs({
        service,
        follow: options.follow ?? false,
        ...(options.tail !== undefined && { tail: options.tail }),
        write: (text) => void process.stdout.write(text),
      });
    });

  compose
    .command('config')
    .argument('[target]', 'a pattern with a compose.yml, or "monitoring"; nothing for the ensemble alone')
    .description('the layered compose files as compose resolves them (no engine needed)')
    .action(async (name: string | undefined) => {
      const { resolveComposeTarget } = await import('../compose/compose-target.ts');
      const { requireCompose } = await import('../compose/compose-executable.ts');
      const { resolveConfig } = await import('../compose/resolved-config.ts');
      const target = resolveComposeTarget(name);
      const config = await resolveConfig({ compose: await requireCompose('config'), target });
      process.stdout.write(config.text);
    });

  compose
    .command('validate')
    .description(
      'resolve every combination (the ensemble, monitoring, the pattern template, each ' +
        'examples/*/compose.yml) and check the layering; no engine needed (CI runs it)',
    )
    .action(async () => {
      const { requireCompose } = await import('../compose/compose-executable.ts');
      const { validateCompose } = await import('../compose/compose-validation.ts');
      const composeExecutable = await requireCompose('validate');
      const results = await validateCompose(composeExecutable, undefined, (result) => {
        const files =
          result.target.files.join(' + ') + result.target.profiles.map((p) => ` --profile ${p}`).join('');
        if (result.problem === undefined)
          stdout(`ok    ${result.target.name} (${files}): ${result.services.join(', ')}`);
        else stdout(`FAIL  ${result.target.name} (${files}): ${result.problem}`);
      });
      const failed = results.filter((result) => result.problem !== undefined).length;
      const by = `${composeExecutable.command.join(' ')} ${composeExecutable.version}`;
      if (failed > 0) {
        process.stderr.write(
          `zk-cookbook: compose validate: ${failed} of ${results.length} combinations invalid (${by})\n`,
        );
        process.exitCode = 1;
      } else {
        stdout(`all ${results.length} compose combinations valid (${by})`);
      }
    });
}
