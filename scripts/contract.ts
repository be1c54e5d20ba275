/** Regenerates the checked-in contract artefacts (JSON Schema and Markdown reference). */
import { writeFileSync } from 'node:fs';
import { CONTRACT_ARTIFACTS, renderJsonSchema, renderMarkdown } from '#core/contract/contract-schema.js';

writeFileSync(CONTRACT_ARTIFACTS.jsonSchema, renderJsonSchema());
writeFileSync(CONTRACT_ARTIFACTS.markdown, renderMarkdown());
console.log(`wrote ${CONTRACT_ARTIFACTS.jsonSchema} and ${CONTRACT_ARTIFACTS.markdown}`);
