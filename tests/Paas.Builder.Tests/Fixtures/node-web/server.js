const http = require('http');
const server = http.createServer((req, res) => res.end('hello from node ' + process.version + '\n'));
server.listen(process.env.PORT || 5000);
process.on('SIGTERM', () => { console.log('node: SIGTERM, closing'); server.close(() => process.exit(0)); });
