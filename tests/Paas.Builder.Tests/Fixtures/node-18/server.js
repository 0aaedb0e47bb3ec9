var http = require('http');
http.createServer(function (req, res) { res.end('hello from node ' + process.version + ' (' + process.env.NODE_ENV + ')\n'); }).listen(process.env.PORT || 5000);
