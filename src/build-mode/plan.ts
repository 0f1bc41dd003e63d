// Which platforms are built together (pure): those that share the Dockerfile
// go into one multi-platform build, so BuildKit runs them side by side and
// shares the steps they have in common; the others get a build of their own.
import { formatPlatform, type Platform } from '../platform.js';

export type BuildWay = 'one build' | 'own build';

export interface BuildPlan {
  /** Built together in one `buildx build --platform a,b,…` (empty, or at least two). */
  shared: Platform[];
  /** Built one by one. */
  own: Platform[];
  /** Why the own builds are their own, for the log. */
  why: string[];
}

export interface PlanInputs {
  platforms: readonly Platform[];
  build: { platformFiles: Record<string, string>; maxParallel: number };
}

/** Why no platform can share a build, or undefined when those without a file of their own can. */
function whyNoneShare(
  options: PlanInputs,
  hub: string | undefined,
  multiPlatform: boolean,
): string | undefined {
  if (hub) return hub;
  if (!multiPlatform)
    return 'the docker driver on the classic image store builds one platform per build (Docker 20.10); the containerd image store or driver: docker-container can build several';
  if (options.build.maxParallel <= 1) return "'max-parallel' is 1";
  return undefined;
}

/** `hub`: why Docker Hub's hooks or tests need a build per platform, when they do. */
export function planBuilds(options: PlanInputs, hub: string | undefined, multiPlatform: boolean): BuildPlan {
  const all = [...options.platforms];
  const none = whyNoneShare(options, hub, multiPlatform);
  if (all.length < 2) return { shared: [], own: all, why: [] };
  if (none) return { shared: [], own: all, why: [none] };
  const ownFile = (p: Platform) => options.build.platformFiles[formatPlatform(p)] !== undefined;
  const shared = all.filter((p) => !ownFile(p));
  const own = all.filter(ownFile);
  const why =
    own.length > 0 ? [`${own.map(formatPlatform).join(', ')}: own Dockerfile in 'platform-files'`] : [];
  if (shared.length >= 2) return { shared, own, why };
  return { shared: [], own: all, why: [...why, 'no two platforms share a Dockerfile'] };
}

/** One line for the log: which platforms build together, which alone, and why. */
export function describePlan(plan: BuildPlan): string {
  const one = plan.shared.map(formatPlatform).join(', ');
  const own = plan.own.map(formatPlatform).join(', ');
  const parts = [
    ...(one ? [`in one build: ${one}`] : []),
    ...(own
      ? [`each in a build of its own: ${own}${plan.why.length > 0 ? ` (${plan.why.join('; ')})` : ''}`]
      : []),
  ];
  return `Builds: ${parts.join('; ')}`;
}
