import { defineConfig } from 'vite';

// Plain static app: relative asset URLs so `dist/` works from any path or file server.
export default defineConfig({
  base: './',
  build: { target: 'es2022', sourcemap: true },
});
