import { plainPagePolicy } from './security-headers.js'

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
a{color:#c13515}code{background:#f4f4f4;padding:0 .3em;border-radius:3px}`

/** The landing page's Content-Security-Policy: its stylesheet, nothing else. */
export const LANDING_POLICY = plainPagePolicy(STYLE)

/** The page at `/` until the web client lands: where to go next. */
export const landingPage = (demo: boolean) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>HBNB</title>
<style>${STYLE}</style></head>
<body>
<h1>HBNB is running</h1>
<p>An open, self-hostable vacation-rental marketplace with an HBnB-compatible API.</p>
<ul>
<li><a href="/api/v1/">API documentation (Swagger UI)</a> and the <a href="/api/v1/openapi.json">OpenAPI document</a></li>
<li><a href="/api/v1/places/">Places</a> &middot; <a href="/api/v1/amenities/">Amenities</a> &middot; <a href="/api/v1/stats">Stats</a></li>
<li>Health: <a href="/healthz">/healthz</a> &middot; <a href="/readyz">/readyz</a></li>
</ul>
${demo ? '<p>Log in with <code>POST /api/v1/auth/login</code>; the demo admin is <code>admin@hbnb.io</code> / <code>admin1234</code>.</p>' : ''}
</body></html>
`
