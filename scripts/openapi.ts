/**
 * `npm run openapi`: writes docs/openapi.json, the OpenAPI description of the dashboard's HTTP API, from the
 * routes' own schemas (src/dashboard/api-schemas.ts). A test fails when the file and the code disagree.
 */
import * as fs from 'node:fs';
import { OPENAPI_FILE, openApiDocument } from '../src/dashboard/openapi';

openApiDocument()
  .then((document) => {
    fs.writeFileSync(OPENAPI_FILE, document);
    console.log(`wrote ${OPENAPI_FILE}`);
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
