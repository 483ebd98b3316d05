// Routes whose path ends in a custom verb after a parameter, as TF Serving's `POST /v1/models/{name}:predict`
// (Google AIP-136 style). Hono reads `:` as the start of a parameter and has no escape for it, so such a route is
// served on a regexp parameter that matches the verb too (`/:name{[^/]+:predict}`, as Hono's maintainers advise in
// honojs/hono#1301), the verb is cut off before the parameters are validated, and the spec shows the path as written.
import type { OpenAPIHono, RouteConfig, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';
import { RequestValidationError } from './http-errors';
import { issueToFieldErrors } from './problem';

const VERB_SUFFIX = /\/\{([A-Za-z]\w*)\}:([a-z][A-Za-z]*)$/;

type VerbRoute = RouteConfig & { request: { params: z.ZodType<Record<string, unknown>> } };

/**
 * Registers `route` (built by protectedRoute, its path ending in `/{param}:verb`) with `handler`, which gets the
 * validated path parameters: a parameter that breaks its schema is a 422 naming it, as on every other route.
 * @example openapiWithVerb(app, protectedRoute('predict', { method: 'post', path: '/{name}:predict', … }), (c, { name }) => …)
 */
export function openapiWithVerb<R extends VerbRoute>(
  app: OpenAPIHono<AppEnv>,
  route: R,
  handler: (c: Context<AppEnv>, params: z.output<R['request']['params']>) => Promise<Response>,
): void {
  const match = VERB_SUFFIX.exec(route.path);
  if (!match) throw new Error(`route ${route.path} does not end in /{param}:verb`);
  const [suffix, param, verb] = match as unknown as [string, string, string];
  const prefix = route.path.slice(0, -suffix.length).replaceAll(/\/\{(\w+)\}/g, '/:$1');
  const { middleware: routeMiddleware, ...documented } = route;
  const middleware = ([] as MiddlewareHandler<AppEnv>[]).concat(routeMiddleware ?? []);
  app.openAPIRegistry.registerPath(documented);
  app.on([route.method.toUpperCase()], [`${prefix}/:${param}{[^/]+:${verb}}`], ...middleware, async (c: Context<AppEnv>) => {
    const raw = c.req.param() as Record<string, string>;
    const parsed = route.request.params.safeParse({ ...raw, [param]: raw[param]!.slice(0, -(verb.length + 1)) });
    if (!parsed.success) {
      throw new RequestValidationError('invalid request path', parsed.error.issues.flatMap((issue) => issueToFieldErrors('path', issue)));
    }
    return handler(c, parsed.data as z.output<R['request']['params']>);
  });
}
