// One client per registry for a run, shared by sources and targets (so a
// blob can be mounted within a registry): the login given for the target
// registries, else credentials from the docker config; HTTPS unless the host
// is listed as insecure (loopback tries TLS first).
import type { Http } from '../http.js';
import { RegistryClient } from './client.js';
import type { Scheme } from './base-url.js';
import type { Repo } from '../oci/image-source.js';
import { readDockerCredentials, type Credentials } from './credentials.js';
import { isLoopbackHost, type Reference } from './reference.js';

/** How to reach a registry (pure). */
export function schemeFor(registry: string, insecure: readonly string[]): Scheme {
  if (insecure.includes(registry)) return 'http';
  return isLoopbackHost(registry) ? 'probe' : 'https';
}

/** Credentials from the inputs, and the registries they are for. */
export interface Login extends Credentials {
  /** The registries this login is for (the targets'); others use the docker config. */
  registries: readonly string[];
}

export interface ClientsOptions {
  login?: Login;
  /** Registries spoken to over plain HTTP. */
  insecure: readonly string[];
}

/** A target repository and the tags the index gets there. */
export interface Target extends Repo<RegistryClient> {
  tags: string[];
}

export class RegistryClients {
  private readonly clients = new Map<string, Promise<RegistryClient>>();

  constructor(
    private readonly http: Http,
    private readonly options: ClientsOptions,
  ) {}

  private async credentials(registry: string): Promise<Credentials | undefined> {
    const { login } = this.options;
    if (login?.registries.includes(registry))
      return { username: login.username, password: login.password, source: login.source };
    return readDockerCredentials(registry);
  }

  get(registry: string): Promise<RegistryClient> {
    let client = this.clients.get(registry);
    if (!client) {
      client = this.credentials(registry).then(
        (credentials) =>
          new RegistryClient(this.http, registry, {
            credentials,
            scheme: schemeFor(registry, this.options.insecure),
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
