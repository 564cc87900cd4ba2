import * as fs from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { OPENAPI_FILE, openApiDocument } from '../../src/dashboard/openapi';

describe('the OpenAPI description (docs/openapi.json)', () => {
  it('is what the routes declare (`npm run openapi` writes it)', async () => {
    expect(fs.readFileSync(OPENAPI_FILE, 'utf8')).toBe(await openApiDocument());
  });

  it('is a valid OpenAPI document that names every status the API answers', async () => {
    const document = (await SwaggerParser.validate(OPENAPI_FILE)) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const read = document.paths['/api/jobs/{id}'].get.responses;
    expect(Object.keys(read).sort()).toEqual(['200', '400', '401', '403', '404', '405', '503']);
    expect(Object.keys(document.paths['/api/jobs'].post.responses)).toEqual(
      expect.arrayContaining(['201', '200', '409', '400', '413']),
    );
  });
});
