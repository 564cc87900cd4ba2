/**
 * deploy/kubernetes/: the cluster topology of `npm run prod-server -- --nodes 3` for Kubernetes, checked offline
 * against the Kubernetes schemas (kubernetes-validate, from PyPI into .tools/) with unknown fields refused, and
 * kept in step with the rest of the project: the dynamic config, the server version, one service per Deployment.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { KUBERNETES_VERSION, resolveKubernetesValidate } from '../../src/provisioning/kubernetes-validate';
import { TEMPORAL_SERVER_VERSION } from '../../src/provisioning/temporal-server';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const MANIFEST = path.join(root, 'deploy', 'kubernetes', 'temporal-cluster.yaml');

interface Resource {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    template?: {
      spec: { containers: { image: string; env?: { name: string; value?: string }[] }[] };
    };
  };
}

describe('deploy/kubernetes (the cluster on Kubernetes)', () => {
  let validate: string;
  let resources: Resource[];
  beforeAll(async () => {
    validate = await resolveKubernetesValidate((line) => process.stderr.write(`${line}\n`));
    // The YAML read with the PyYAML that kubernetes-validate brings.
    const python = path.join(path.dirname(validate), 'python');
    const script = 'import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))';
    resources = (
      JSON.parse((await run(python, ['-c', script, MANIFEST])).stdout) as (Resource | null)[]
    ).filter((resource): resource is Resource => resource !== null);
  }, 300_000);

  it(`passes the Kubernetes ${KUBERNETES_VERSION} schemas, unknown fields refused`, async () => {
    const checked = await run(validate, ['--strict', '-k', KUBERNETES_VERSION, MANIFEST]);
    expect(checked.stdout.match(/ passed for resource /g)).toHaveLength(resources.length);
  });

  it('and the check fails a manifest with a field Kubernetes does not know', async () => {
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-')), 'broken.yaml');
    fs.writeFileSync(broken, fs.readFileSync(MANIFEST, 'utf8').replace('  replicas: 3', '  replica: 3'));
    await expect(run(validate, ['--strict', '-k', KUBERNETES_VERSION, broken])).rejects.toMatchObject({
      stdout: expect.stringMatching(/replica/),
    });
  });

  it('runs each server service on its own, history on three nodes, the server version built here', () => {
    const deployments = resources.filter((resource) => resource.kind === 'Deployment');
    const services = Object.fromEntries(
      deployments
        .filter((deployment) => deployment.metadata.name.startsWith('temporal-'))
        .map((deployment) => {
          const [container] = deployment.spec!.template!.spec.containers;
          expect(container.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION.replace(/^v/, '')}`);
          const service = container.env?.find((variable) => variable.name === 'SERVICES')?.value;
          return [service, deployment.spec!.replicas];
        }),
    );
    expect(services).toEqual({ frontend: 1, history: 3, matching: 1, worker: 1 });
    expect(deployments.map((deployment) => deployment.metadata.name)).toContain('jobs-worker');
  });

  it('carries the same dynamic config as the compose stack and the local server', () => {
    const configMap = resources.find((resource) => resource.metadata.name === 'temporal-dynamic-config');
    expect(configMap?.data?.['development-sql.yaml']).toBe(
      fs.readFileSync(path.join(root, 'deploy', 'dynamicconfig', 'development-sql.yaml'), 'utf8'),
    );
  });
});
