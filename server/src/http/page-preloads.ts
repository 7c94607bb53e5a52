// The API reads the home page and a bare search show first, as the client asks for them
// (web/src/api/queries/search.ts): their HTML preloads them, so they come with the client's code
// rather than after it has run. A preload serves only a request for the very same URL; the web
// end-to-end tests (web/e2e/first-load.test.ts) check that the client's requests use them. Their
// answers do not depend on who asks.
export const HOME_RESULTS = '/api/v1/search?sort=rating&limit=24'
export const ALL_RESULTS = '/api/v1/search?limit=24'
