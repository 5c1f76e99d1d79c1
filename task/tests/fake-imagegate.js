#!/usr/bin/env node
'use strict';
// Stands in for the imagegate binary: records its argument list and the environment it was given,
// writes the SARIF file it is asked for, prints a logging command, and exits with the requested code.
const fs = require('fs');
const args = process.argv.slice(2);
const record = process.env.IMAGEGATE_FAKE_RECORD;
if (record) {
    fs.writeFileSync(record, JSON.stringify({
        args,
        cwd: process.cwd(),
        token: process.env.SYSTEM_ACCESSTOKEN || null,
        inputsLeft: Object.keys(process.env).filter((k) => k.startsWith('INPUT_')),
        azureTask: process.env.IMAGEGATE_AZURE_TASK || null,
    }));
}
const sarif = args.find((a) => a.startsWith('--sarif='));
if (sarif && process.env.IMAGEGATE_FAKE_NO_SARIF !== 'true') {
    const results = JSON.parse(process.env.IMAGEGATE_FAKE_SARIF_RESULTS || '[]');
    fs.writeFileSync(sarif.slice('--sarif='.length), JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'ImageGate' } }, results }] }));
}
process.stdout.write('##vso[task.logissue type=error;sourcepath=deploy/web.yaml;linenumber=12;code=check-signature]web: image not signed\n');
process.exit(Number(process.env.IMAGEGATE_FAKE_EXIT || '0'));
