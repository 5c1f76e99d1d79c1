'use strict';
// scripts/package-azure-task.sh run for real with tfx-cli (offline), on a stand-in binary: the .vsix holds the
// task with production dependencies only, the binary, and a manifest whose version follows task.json.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const JSZip = require('jszip');

const root = path.join(__dirname, '..', '..');

test('the extension packages offline with tfx-cli and carries the task, its runtime dependencies and the binary', { timeout: 120_000 }, async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imagegate-vsix-'));
    const binary = path.join(work, 'imagegate');
    fs.writeFileSync(binary, '#!/bin/sh\necho imagegate\n');
    const output = execFileSync('bash', [path.join(root, 'scripts', 'package-azure-task.sh'), '--binary', binary, '--out', work], { encoding: 'utf8' });
    const taskJson = JSON.parse(fs.readFileSync(path.join(root, 'task', 'task.json'), 'utf8'));
    const version = `${taskJson.version.Major}.${taskJson.version.Minor}.${taskJson.version.Patch}`;
    const vsix = path.join(work, `imagegate.imagegate-${version}.vsix`);
    assert.match(output, /^packaged: .*\.vsix \(\d+ KiB\)$/m);
    assert.ok(fs.existsSync(vsix), output);

    const zip = await JSZip.loadAsync(fs.readFileSync(vsix));
    const names = Object.keys(zip.files);
    for (const required of ['extension.vsixmanifest', 'extension.vsomanifest', 'overview.md', 'ImageGate/task.json', 'ImageGate/index.js',
        'ImageGate/bin/imagegate', 'ImageGate/node_modules/azure-pipelines-task-lib/task.js']) {
        assert.ok(names.includes(required), `${required} missing from the package`);
    }
    assert.equal(await zip.file('ImageGate/bin/imagegate').async('string'), '#!/bin/sh\necho imagegate\n');
    assert.deepEqual(JSON.parse(await zip.file('ImageGate/task.json').async('string')), taskJson);
    for (const devOnly of ['tfx-cli', 'ajv']) {
        assert.ok(!names.some((n) => n.startsWith(`ImageGate/node_modules/${devOnly}/`)), `${devOnly} is a development dependency and must not ship`);
    }
    const manifest = await zip.file('extension.vsixmanifest').async('string');
    assert.match(manifest, new RegExp(`<Identity [^>]*Version="${version.replace(/\./g, '\\.')}"`));
    const vso = JSON.parse(await zip.file('extension.vsomanifest').async('string'));
    assert.deepEqual(vso.contributions.map((c) => [c.type, c.properties.name]), [['ms.vss-distributed-task.task', 'ImageGate']]);
    fs.rmSync(work, { recursive: true, force: true });
});
