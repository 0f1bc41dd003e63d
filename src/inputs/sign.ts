// The signing inputs (pure but for parsing the key): 'sign' (false, key,
// keyless), 'sign-key' and 'sign-key-password'. A bad key, a missing one, or
// a keyless job without an OIDC token is an input problem, found before any
// build. Read by read.ts, the only reader, which masks the key.
import { parseSigningKey } from '../sign/key.js';
import { oidcProblem } from '../sign/keyless.js';
import { SIGN_MODES, type SignOptions } from '../sign/options.js';
import { parseChoice } from './parsers.js';

export const SIGN_INPUT_NAMES = ['sign', 'sign-key', 'sign-key-password'] as const;
type SignInputName = (typeof SIGN_INPUT_NAMES)[number];

/** The key's lines worth masking one by one: a log line never holds a whole multi-line secret. */
export function keySecrets(pem: string): string[] {
  const lines = pem.split(/\r?\n/).map((l) => l.trim());
  return [pem, ...lines.filter((l) => l.length >= 8 && !l.startsWith('-----'))].filter((v) => v.trim());
}

export function parseSignInputs(
  raw: Record<SignInputName, string>,
  { push, pushByDigest }: { push: boolean; pushByDigest: boolean },
  problems: string[],
  warnings: string[],
): SignOptions {
  const mode = parseChoice('sign', raw.sign, SIGN_MODES, problems);
  if (!SIGN_MODES.includes(mode)) return { mode: 'false' }; // said in problems
  if (mode === 'false') {
    if (raw['sign-key'].trim()) warnings.push(`'sign-key' is set but 'sign' is false; nothing is signed.`);
    return { mode };
  }
  if (pushByDigest)
    warnings.push(
      `'sign' is ${mode} with 'push-by-digest': nothing is signed here; sign in the merge job that pushes the tags.`,
    );
  else if (!push)
    warnings.push(`'sign' is ${mode} but 'push' is false: nothing is pushed, so nothing is signed.`);
  if (mode === 'keyless') {
    if (raw['sign-key'].trim()) warnings.push(`'sign' is keyless: 'sign-key' is ignored.`);
    return { mode };
  }
  const parsed = parseSigningKey(raw['sign-key'], raw['sign-key-password']);
  if (parsed.problem !== undefined) problems.push(parsed.problem);
  return { mode, key: parsed.key };
}

/** What the environment lacks for the chosen signing (keyless: the runner's OIDC variables). */
export function signEnvProblems(sign: SignOptions, env: NodeJS.ProcessEnv, willPush: boolean): string[] {
  const problem = sign.mode === 'keyless' && willPush ? oidcProblem(env) : undefined;
  return problem ? [problem] : [];
}
