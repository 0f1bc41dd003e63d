// One client per registry for a run, shared by sources and targets (so a
// blob can be mounted within a registry): credentials from the inputs for the
// tags' registries, else from the docker config; HTTPS unless the host is
// listed in 'insecure-registries' (loopback tries TLS first).
import type { Http } from '../http.js';
import type { Inputs } from '../inputs/validate.js';
import { RegistryClient, type Scheme } from './client.js';
import { readDockerCredentials, type Credentials } from './credentials.js';
import type { Target } from '../publish/all-or-nothing.js';
import { isLoopbackHost, type Reference } from './reference.js';

/** How to reach a registry (pure). */
export function schemeFor(registry: string, insecure: readonly string[]): Scheme {
  if (insecure.includes(registry)) return 'http';
  return isLoopbackHost(registry) ? 'probe' : 'https';
}

type ClientInputs = Pick<Inputs, 'username' | 'password' | 'tags' | 'insecureRegistries'>;

export class RegistryClients {
  private readonly clients = new Map<string, Promise<RegistryClient>>();

  constructor(
    private readonly http: Http,
    private readonly inputs: ClientInputs,
  ) {}

  private async credentials(registry: string): Promise<Credentials | undefined> {
    const { username, password, tags } = this.inputs;
    if (username && tags.some((t) => t.registry === registry))
      return { username, password, source: "inputs 'username' and 'password'" };
    return readDockerCredentials(registry);
  }

  get(registry: string): Promise<RegistryClient> {
    let client = this.clients.get(registry);
    if (!client) {
      client = this.credentials(registry).then(
        (credentials) =>
          new RegistryClient(this.http, registry, {
            credentials,
            scheme: schemeFor(registry, this.inputs.insecureRegistries),
          }),
      );
      this.clients.set(registry, client);
    }
    return client;
  }

  /** The tags grouped by repository: each target repository gets every copy once. */
  async targets(tags: readonly Reference[]): Promise<Target[]> {
    const byRepo = new Map<string, Target>();
    for (const ref of tags) {
      const key = `${ref.registry}/${ref.repository}`;
      let target = byRepo.get(key);
      if (!target) {
        target = { client: await this.get(ref.registry), repository: ref.repository, tags: [] };
        byRepo.set(key, target);
      }
      target.tags.push(ref.tag ?? 'latest');
    }
    return [...byRepo.values()];
  }
}
