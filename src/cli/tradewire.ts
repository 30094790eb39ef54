// The CLI straight from source, for development and tests: `node --import tsx src/cli/tradewire.ts …`
// (`npm run dev -- …`). Installed copies run bin/tradewire.js, which loads the compiled dist/.
import { main } from './main.ts';

await main(process.argv);
