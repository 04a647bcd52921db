import { defineConfig } from "vitest/config";

// End-to-end tests drive the real desktop app; one at a time, with room for a cold start.
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
