// Herald's version, read from package.json (src/ and dist/ both sit next to it), so every report of
// it (status, OpenAPI, herald_build_info, the CLI) agrees however the daemon was started.
import { readFileSync } from 'node:fs';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
