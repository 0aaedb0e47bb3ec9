'use strict';
const express = require('express');

const app = express();
const port = Number(process.env.PORT || 5000);
const greeting = process.env.GREETING || 'Hello';
const dyno = process.env.DYNO || 'local';

app.get('/', (req, res) => {
  console.log(`GET / answered by ${dyno}`);
  res.type('text/plain').send(`${greeting} from ${dyno} (node ${process.version})\n`);
});

app.get('/healthz', (req, res) => res.send('ok\n'));

app.listen(port, () => console.log(`node-hello listening on ${port} as ${dyno}`));
