/**
 * kubernetes-validate, which checks manifests against the JSON schemas of a Kubernetes version offline (they
 * ship in its wheel): for deploy/kubernetes/ (test/deploy/kubernetes.test.ts).
 */
import { defaultLog, type Log } from './executable';
import { resolvePythonTool } from './python-tool';

export const KUBERNETES_VALIDATE_VERSION = '1.37.0';
/** The Kubernetes version the manifests are checked against. */
export const KUBERNETES_VERSION = '1.33.0';

export function resolveKubernetesValidate(log: Log = defaultLog): Promise<string> {
  return resolvePythonTool(
    {
      package: 'kubernetes-validate',
      version: KUBERNETES_VALIDATE_VERSION,
      command: 'kubernetes-validate',
      neededBy: 'Checking the Kubernetes manifests',
    },
    log,
  );
}
