import { defineConfig } from 'vitest/config';

// Integration tests share one Docker engine and the kernel's binfmt_misc:
// files run one at a time, with generous timeouts for emulated builds.
export default defineConfig({
  test: {
    include: ['test/itg/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
