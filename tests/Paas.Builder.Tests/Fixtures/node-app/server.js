var http = require('http');
var ms = require('ms');
http.createServer(function (req, res) { res.end('hello from node ' + process.version + ' ' + ms(60000) + '\n'); }).listen(process.env.PORT || 5000);
