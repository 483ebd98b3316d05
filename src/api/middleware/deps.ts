// Hands the entry point's dependencies to every request (never module-level singletons).
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env';

export function injectDeps(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('deps', deps);
    await next();
  };
}
