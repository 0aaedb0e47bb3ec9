var http = require('http');
require('./build/Release/hello.node');
http.createServer(function (req, res) { res.end('hello from an add-on on node ' + process.version + '\n'); }).listen(process.env.PORT || 5000);
