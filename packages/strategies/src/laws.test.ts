// Every built-in runs exactly the kit users get from @workletpool/pool-core/testing.
import { strategyLaws } from '@workletpool/pool-core/testing';
import { describe, it } from 'vitest';
import { bestFit } from './best-fit';
import { dedicated } from './dedicated';
import { firstFit } from './first-fit';
import { fixedBlocks } from './fixed-blocks';

const builtIns = [
  fixedBlocks({ blockSize: 4 }),
  fixedBlocks({ blockSize: 2 }),
  bestFit(),
  firstFit(),
  dedicated(),
];

for (const strategy of builtIns) {
  describe(`${strategy.name} (${strategy.description})`, () => {
    for (const law of strategyLaws(strategy)) it(law.name, () => law.check());
  });
}
