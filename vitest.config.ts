import { defineConfig } from "vitest/config";

export default defineConfig({
  define: { __COURSE_DOCTOR_VERSION__: JSON.stringify(process.env.npm_package_version ?? "0.0.0-test"), __COURSE_DOCTOR_ONLY__: JSON.stringify("") },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
