// A fetch-style app, the shape Hono and other web-standard frameworks export: an object whose
// fetch(request) returns a Response.
//   npx corral examples/fetch.mjs -w 2
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (request.method === 'POST') {
      const text = await request.text();
      return Response.json({ received: text.length, path: url.pathname });
    }
    return new Response(`Hello from worker ${process.pid} at ${url.pathname}\n`, {
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  },
};
