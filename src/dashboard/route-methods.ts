/**
 * Which methods a path has, from the routes as registered: a request whose path is known but whose method is
 * not answers 405 with an Allow header, rather than the 404 of an unknown path.
 */
import type { FastifyInstance } from 'fastify';

export class RouteMethods {
  private readonly routes: Array<{ pattern: RegExp; methods: string[]; catchAll: boolean }> = [];

  constructor(app: FastifyInstance) {
    app.addHook('onRoute', ({ url, method }) => {
      const methods = Array.isArray(method) ? method : [method];
      const source = url
        .split('/')
        .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : escape(part)))
        .join('/');
      this.routes.push({ pattern: new RegExp(`^${source}$`), methods, catchAll: url.endsWith('*') });
    });
  }

  /**
   * The methods the routes at `path` (decoded, without its query) take: those of its own routes, or, when
   * only the page's catch-all (`/*`) has it, the catch-all's.
   */
  allowed(path: string): string[] {
    const matching = this.routes.filter((route) => route.pattern.test(path));
    const own = matching.filter((route) => !route.catchAll);
    const methods = new Set((own.length > 0 ? own : matching).flatMap((route) => route.methods));
    return [...methods].sort();
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
