// The package build: the main, processor and testing entries, with the processor bundle
// and the engine embedded at build time (build-support.ts).
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';
import { preset } from '../../tsup.preset';
import { defines, embeddedModule } from './build-support';

const embedded: Plugin = {
  name: 'embedded',
  setup(build) {
    build.onResolve({ filter: /^embedded:/ }, (args) => ({ path: args.path, namespace: 'embedded' }));
    build.onLoad({ filter: /.*/, namespace: 'embedded' }, async (args) => ({
      contents: (await embeddedModule(args.path)) ?? '',
      loader: 'js',
    }));
  },
};

// The processor is its own entry (dist/processor.js, for hosts that load it as a file);
// the main entry also carries it inline, so it needs no bundler to find it. The testing
// entry carries the testing build of the processor (faults on request) and nothing else
// ships it.
export default defineConfig(
  preset({
    entry: ['src/index.ts', 'src/processor.ts', 'src/testing.ts'],
    define: defines(),
    esbuildPlugins: [embedded],
  }),
);
