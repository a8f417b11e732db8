// UPDATE vectors (test/wire/vectors/update-*.ts): decode, encode and round-trip tests per vector.
import { updateVectorTests } from './vectors/generate.js';
import { as4PathVectors, asPathVectors, originVectors } from './vectors/update-as-path.js';
import { attributeVectors } from './vectors/update-attributes.js';
import { updateBasicVectors } from './vectors/update-basic.js';
import { mpVectors } from './vectors/update-mp.js';
import { structureVectors } from './vectors/update-structure.js';

updateVectorTests('UPDATE encoding', updateBasicVectors);
updateVectorTests('ORIGIN', originVectors);
updateVectorTests('AS_PATH', asPathVectors);
updateVectorTests('AS4_PATH and AS4_AGGREGATOR', as4PathVectors);
updateVectorTests('other path attributes', attributeVectors);
updateVectorTests('UPDATE structure', structureVectors);
updateVectorTests('multiprotocol UPDATE', mpVectors);
