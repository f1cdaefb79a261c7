// Builds the console and the chat widget from web/ into static/app/ (not committed; `./run setup` builds it).
// Fixed file names: the server adds a content hash as a query string, so templates need no manifest.
import { defineConfig } from "vite";

export default defineConfig({
  publicDir: false,
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  resolve: { alias: { react: "preact/compat", "react-dom": "preact/compat" } },
  build: {
    outDir: "static/app",
    emptyOutDir: true,
    target: "es2020",
    sourcemap: true,
    rollupOptions: {
      input: { console: "web/console/main.tsx", widget: "web/widget/main.tsx", admin: "web/admin/main.tsx", supervisor: "web/supervisor/main.tsx", knowledge: "web/knowledge/main.tsx" },
      output: {
        entryFileNames: "[name].js",
        chunkFileNames: "[name].js",
        assetFileNames: "[name][extname]",
      },
    },
  },
});
