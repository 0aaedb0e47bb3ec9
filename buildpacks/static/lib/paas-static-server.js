// The static buildpack's file server: serves the app's files on $PORT (root from static.json "root", default the app).
// GET/HEAD only, index.html for folders, ETag + Last-Modified revalidation, gzip-free streaming with sendfile-like pipes.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const appDir = path.resolve(__dirname, '..');
let root = appDir;
try {
  const conf = JSON.parse(fs.readFileSync(path.join(appDir, 'static.json'), 'utf8'));
  if (conf.root) root = path.resolve(appDir, conf.root);
} catch (e) { /* no static.json */ }

const types = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.ico': 'image/x-icon', '.webp': 'image/webp', '.txt': 'text/plain; charset=utf-8', '.wasm': 'application/wasm',
  '.woff': 'font/woff', '.woff2': 'font/woff2',
};

http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { Allow: 'GET, HEAD' }); return res.end(); }
  let pathname;
  try { pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch (e) { res.writeHead(400); return res.end(); }
  let file = path.join(root, path.normalize(pathname));
  if (!file.startsWith(root)) { res.writeHead(403); return res.end(); }
  fs.stat(file, (err, st) => {
    if (!err && st.isDirectory()) { file = path.join(file, 'index.html'); st = null; }
    const send = (s) => {
      const etag = `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}"`;
      if (req.headers['if-none-match'] === etag) { res.writeHead(304, { ETag: etag }); return res.end(); }
      res.writeHead(200, { 'Content-Type': types[path.extname(file).toLowerCase()] || 'application/octet-stream',
        'Content-Length': s.size, ETag: etag, 'Last-Modified': s.mtime.toUTCString() });
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file).pipe(res);
    };
    if (st && st.isFile()) return send(st);
    fs.stat(file, (e2, s2) => {
      if (e2 || !s2.isFile()) { res.writeHead(404, { 'Content-Type': 'text/plain' }); return res.end('Not Found\n'); }
      send(s2);
    });
  });
}).listen(process.env.PORT || 5000, () => console.log(`static files from ${root} on port ${process.env.PORT || 5000}`));
