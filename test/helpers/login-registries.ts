// The set-up of the pipeline and pre-flight tests: a registry that wants a
// login, an open one, and the 'hello' example's build context, for one
// describe block; and the push both try with a wrong password.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { runAction, type ActionRun } from '../../support/action-runner.js';
import { exampleContext } from '../../support/contexts.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';

export interface LoginRegistries {
  user: string;
  password: string;
  /** Wants `user` and `password`. */
  secured: TestRegistry;
  open: TestRegistry;
  /** The hello example's context (a copy: removed after the block). */
  context: string;
  /** The inputs that build the hello context and push it to `to` as `repo`:1.0, over the host network. */
  pushInputs(to: TestRegistry, repo: string): Record<string, string>;
}

/** Call inside a describe block: started before its first test, stopped after its last. */
export function useLoginRegistries(): LoginRegistries {
  const f = {
    user: 'bot',
    password: `pw-${randomBytes(12).toString('hex')}`,
    pushInputs: (to: TestRegistry, repo: string) => ({
      context: f.context,
      tags: `${to.address}/${repo}:1.0`,
      push: 'true',
      network: 'host',
    }),
  } as unknown as LoginRegistries;
  beforeAll(async () => {
    f.secured = await startRegistry({ user: f.user, password: f.password });
    f.open = await startRegistry();
    f.context = exampleContext('hello');
  });
  afterAll(async () => {
    const started = f as Partial<LoginRegistries>;
    await started.secured?.stop();
    await started.open?.stop();
    if (started.context) rmSync(started.context, { recursive: true, force: true });
  });
  return f;
}

/** The hello context for `platforms` pushed to `secured`'s acme/denied:1.0 as `user` with a fresh wrong password. */
export async function pushWithWrongPassword(
  f: LoginRegistries,
  platforms: string,
): Promise<{ run: ActionRun; wrong: string }> {
  const wrong = `wrong-${randomBytes(8).toString('hex')}`;
  const run = await runAction({
    ...f.pushInputs(f.secured, 'acme/denied'),
    platforms,
    username: f.user,
    password: wrong,
  });
  return { run, wrong };
}
