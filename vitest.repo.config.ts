import { defineConfig } from 'vitest/config';

// Repository checks: properties of the repository's files (action.yml's pinned
// images, which sources may pass --privileged), not of the code's behaviour.
// The dist/ freshness check is a step of scripts/test.sh (scripts/check-dist.sh).
export default defineConfig({
  test: { include: ['test/repo/**/*.test.ts'], environment: 'node' },
});
