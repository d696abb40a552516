import type { NextConfig } from "next";

const config: NextConfig = {
  // PGlite ships WASM + data files it loads relative to its own module; pg has optional native
  // bindings. Both must be required at runtime from node_modules, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "graphile-worker"],
  devIndicators: false,
  // Several servers (e2e, a developer's dev server, benches) can build side by side.
  distDir: process.env.BATON_NEXT_DIST_DIR ?? ".next",
  // The SSE route must not be gzip-buffered.
  compress: false,
  // `npm start` builds with BATON_BUILD_TYPECHECK=0: type errors are `npm run typecheck`'s job
  // (part of `npm test`), and a user starting Baton shouldn't wait a minute for them.
  // `npm run build` still checks types.
  typescript: { ignoreBuildErrors: process.env.BATON_BUILD_TYPECHECK === "0" },
};

export default config;
