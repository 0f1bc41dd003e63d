// The only reader of the action's inputs. Names are action.yml's; defaults
// live only in action.yml. Secrets are masked the moment they are read.
import * as core from '@actions/core';
import { BUILD_INPUT_NAMES, secretValues } from './build.js';
import { SIGN_INPUT_NAMES, keySecrets } from './sign.js';
import { TOOL_INPUT_NAMES } from './tools.js';
import { tokenValue } from './git-context.js';
import { secretEnvValues } from './run-steps.js';

export const INPUT_NAMES = [
  'platforms',
  'context',
  'file',
  'tags',
  'push',
  'username',
  'password',
  'network',
  'build-args',
  'labels',
  'qemu',
  'oci-archive',
  'push-by-digest',
  'digest-file',
  ...BUILD_INPUT_NAMES,
  ...TOOL_INPUT_NAMES,
  'qemu-image',
  'qemu-fallback-image',
  'sources',
  'insecure-registries',
  'ca-file',
  'index-format',
  'attestations',
  'sources-from',
  'referrers',
  ...SIGN_INPUT_NAMES,
  'github-token',
] as const;
export type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Record<InputName, string>;

export function getInputs(): RawInputs {
  const raw = {} as RawInputs;
  for (const name of INPUT_NAMES) raw[name] = core.getInput(name);
  if (raw.password) core.setSecret(raw.password);
  if (raw['sign-key-password']) core.setSecret(raw['sign-key-password']);
  keySecrets(raw['sign-key']).forEach((v) => core.setSecret(v));
  if (tokenValue(raw['github-token'])) core.setSecret(tokenValue(raw['github-token']));
  secretValues(raw.secrets).forEach((v) => core.setSecret(v));
  secretEnvValues(raw['secret-envs'], process.env).forEach((v) => core.setSecret(v));
  return raw;
}
