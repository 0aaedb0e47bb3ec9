// The static buildpack's file server: serves the app's files on $PORT (root from static.json "root", default the app).
// GET/HEAD only, index.html for folders, gzip-free streaming with sendfile-like pipes. Revalidation by content: the ETag
// is a hash of the file's bytes (slug files carry no meaningful time, and an edit that keeps a file's size must not be
// answered 304), Last-Modified only when the file has a real time; HTML is served with Cache-Control: no-cache (always
// revalidated), other files with max-age=0, must-revalidate (RFC 9111 section 5.2.2).
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

// ETags by file identity (path, inode, size, mtime, ctime): a file is hashed once per version.
const etags = new Map();
function etagOf(file, s, done) {
  const key = `${file}\0${s.ino}\0${s.size}\0${s.mtimeMs}\0${s.ctimeMs}`;
  const known = etags.get(key);
  if (known) return done(null, known);
  const hash = crypto.createHash('sha256');
  fs.createReadStream(file)
    .on('error', done)
    .on('data', (chunk) => hash.update(chunk))
    .on('end', () => {
      const etag = `"${hash.digest('base64url').slice(0, 27)}"`;
      if (etags.size > 10000) etags.clear();
      etags.set(key, etag);
      done(null, etag);
    });
}

// If-None-Match: a list of entity tags or * (RFC 9110 section 13.1.2), compared weakly.
function matches(header, etag) {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

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
    const send = (s) => etagOf(file, s, (err, etag) => {
      if (err) { res.writeHead(500, { 'Content-Type': 'text/plain' }); return res.end('Cannot read the file\n'); }
      const type = types[path.extname(file).toLowerCase()] || 'application/octet-stream';
      const headers = { ETag: etag, 'Cache-Control': type.startsWith('text/html') ? 'no-cache' : 'public, max-age=0, must-revalidate' };
      if (s.mtimeMs > 86400000) headers['Last-Modified'] = s.mtime.toUTCString(); // not the 1970 of a reproducible slug
      if (matches(req.headers['if-none-match'], etag)) { res.writeHead(304, headers); return res.end(); }
      res.writeHead(200, Object.assign(headers, { 'Content-Type': type, 'Content-Length': s.size }));
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file).pipe(res);
    });
    if (st && st.isFile()) return send(st);
    fs.stat(file, (e2, s2) => {
      if (e2 || !s2.isFile()) { res.writeHead(404, { 'Content-Type': 'text/plain' }); return res.end('Not Found\n'); }
      send(s2);
    });
  });
}).listen(process.env.PORT || 5000, () => console.log(`static files from ${root} on port ${process.env.PORT || 5000}`));
