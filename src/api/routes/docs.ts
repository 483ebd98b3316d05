// /docs: the interactive API reference (Swagger UI), served offline from deps.docsAssets; public.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { publicAccess } from '../middleware/auth';
import { problemResponse } from '../problem';

/** The Swagger UI files the page loads: all /docs serves from swagger-ui-dist (on Workers, all it stages). */
export const SWAGGER_UI_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js'] as const;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Distillery API reference</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// Kept out of the HTML so a strict Content-Security-Policy (no inline scripts) still works.
// `validatorUrl: null`: otherwise Swagger UI sends the spec's URL to validator.swagger.io whenever the
// host is not localhost. No `persistAuthorization`: it would keep the bearer key in localStorage.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  validatorUrl: null,
});
`;

export const docsRoutes = new OpenAPIHono<AppEnv>()
  .get('/', publicAccess, (c) => c.html(PAGE))
  .get('/init.js', publicAccess, (c) => c.body(INIT_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }))
  .get('/:file', publicAccess, async (c) => {
    const assets = c.get('deps').docsAssets;
    const asset = assets ? await assets.get(c.req.param('file')) : null;
    if (!asset) return problemResponse(c, 404, `no documentation asset named "${c.req.param('file')}"`);
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': asset.contentType,
      'Cache-Control': 'public, max-age=3600',
    });
  });
