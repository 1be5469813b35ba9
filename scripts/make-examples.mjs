// Bundles scripts/make-examples.ts (it reuses the test helpers that start and seed moto) and runs it.
import { build } from "esbuild";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outfile = fileURLToPath(new URL("../.bench/make-examples.mjs", import.meta.url));
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
await build({ absWorkingDir: root, entryPoints: ["scripts/make-examples.ts"], outfile, bundle: true, format: "esm", platform: "node", target: "node20", packages: "external", logLevel: "warning" });
await import(pathToFileURL(outfile).href);
