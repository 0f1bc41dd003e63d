// The inputs as action.ts takes them: read, parsed and checked against the
// file system and the environment ('secret-envs'), every problem of the run
// reported together in one error.
import { ActionError } from '../errors.js';
import { pathProblems } from './paths.js';
import { gitAuthSecret, tokenValue } from './git-context.js';
import { getInputs } from './read.js';
import { secretEnvProblems } from './run-steps.js';
import { signEnvProblems } from './sign.js';
import { parseInputs, type Validated } from './validate.js';

export function readInputs(cwd: string, cores: number): Validated {
  const raw = getInputs();
  const { inputs, warnings, problems } = parseInputs(raw, cwd, cores);
  const { secrets } = inputs.build;
  const token = tokenValue(raw['github-token']);
  const workflow = { serverUrl: process.env.GITHUB_SERVER_URL, repository: process.env.GITHUB_REPOSITORY };
  const auth = gitAuthSecret(inputs.context, token, workflow, secrets);
  if (auth) secrets.push(auth);
  const all = [
    ...problems,
    ...pathProblems(inputs),
    ...secretEnvProblems(inputs.build.secrets, process.env),
    ...signEnvProblems(inputs.sign, process.env, inputs.push && !inputs.pushByDigest),
  ];
  if (all.length > 0) throw new ActionError(all.join('\n'));
  return { inputs, warnings };
}
