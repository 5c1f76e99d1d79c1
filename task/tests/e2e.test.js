'use strict';
// The task with the real imagegate (the Release build scripts/test.sh makes before these tests): task inputs
// → imagegate scan → logging commands at the manifest lines, the SARIF artifact, and the task result.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { MockTestRunner } = require('azure-pipelines-task-lib/mock-test');

const taskDir = path.join(__dirname, '..');
const cliDll = path.join(taskDir, '..', 'src', 'ImageGate.Cli', 'bin', 'Release', 'net10.0', 'imagegate.dll');

const policy = `apiVersion: policies.kyverno.io/v1
kind: ImageValidatingPolicy
metadata:
  name: trusted-registries
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [pods]
  validationConfigurations:
    mutateDigest: false
    verifyDigest: false
    required: false
  attestors: []
  validations:
  - expression: images.containers.all(i, parseImageReference(i).registry() == 'ghcr.io')
    message: images must come from ghcr.io
`;

const pods = `apiVersion: v1
kind: Pod
metadata:
  name: trusted
  namespace: shop
spec:
  containers:
  - name: app
    image: ghcr.io/example/app:1.0
---
apiVersion: v1
kind: Pod
metadata:
  name: untrusted
  namespace: shop
spec:
  containers:
  - name: app
    image: docker.io/library/busybox:1.36
`;

async function runTask(inputs) {
    assert.ok(fs.existsSync(cliDll), `${cliDll} is missing: build it with dotnet build src/ImageGate.Cli -c Release (scripts/test.sh does)`);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imagegate-task-e2e-'));
    fs.mkdirSync(path.join(work, 'policies'));
    fs.mkdirSync(path.join(work, 'deploy'));
    fs.writeFileSync(path.join(work, 'policies', 'trusted-registries.yaml'), policy);
    fs.writeFileSync(path.join(work, 'deploy', 'pods.yaml'), pods);
    const binary = path.join(work, 'imagegate');
    fs.writeFileSync(binary, `#!/bin/sh\nexec dotnet "${cliDll}" "$@"\n`, { mode: 0o755 });
    const saved = { ...process.env };
    Object.assign(process.env, {
        IMAGEGATE_TEST_CASE: JSON.stringify({ inputs: { workingDirectory: work, ...inputs } }),
        IMAGEGATE_BINARY: binary,
        // An Azure Pipelines job on a branch build: logging commands, no pull request.
        TF_BUILD: 'True',
        SYSTEM_DEBUG: 'false',
    });
    for (const key of Object.keys(process.env)) if (key.startsWith('GITHUB_') || key.startsWith('SYSTEM_PULLREQUEST_')) delete process.env[key];
    try {
        const runner = new MockTestRunner(path.join(__dirname, 'run-task.js'), path.join(taskDir, 'task.json'));
        runner.nodePath = process.execPath;
        await runner.runAsync();
        return { runner, work };
    } finally {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
    }
}

test('a Deny failure is logged at its manifest line, SARIF is published, and the task fails', { timeout: 180_000 }, async () => {
    const { runner, work } = await runTask({ policies: 'policies', manifests: 'deploy', sarif: 'out/imagegate.sarif', publishSarif: 'true', failOn: 'deny' });
    const manifest = path.join(work, 'deploy', 'pods.yaml');
    const issues = runner.stdout.split('\n').filter((l) => l.startsWith('##vso[task.logissue '));
    assert.equal(issues.length, 1, runner.stdout + runner.stderr);
    assert.ok(issues[0].startsWith(`##vso[task.logissue type=error;sourcepath=${manifest};linenumber=`), issues[0]);
    const line = Number(/linenumber=(\d+)/.exec(issues[0])[1]);
    assert.ok(line >= 12 && line <= 20, `the finding points into the second document: line ${line}`);
    assert.match(issues[0], /images must come from ghcr\.io/);
    const sarif = path.join(work, 'out', 'imagegate.sarif');
    assert.equal(JSON.parse(fs.readFileSync(sarif, 'utf8')).version, '2.1.0');
    assert.ok(runner.stdout.includes(`##vso[artifact.upload containerfolder=CodeAnalysisLogs;artifactname=CodeAnalysisLogs;]${sarif}`), runner.stdout);
    assert.equal((runner.stdout.match(/##vso\[artifact\.upload /g) || []).length, 1, 'the task publishes the SARIF file once');
    assert.ok(runner.failed);
    assert.deepEqual(runner.errorIssues, ['ImageGate: policy failures (exit code 1)']);
    assert.equal((runner.stdout.match(/##vso\[task\.complete /g) || []).length, 1, 'only the task sets the result');
});

test('fail-on never: the same finding is logged and the task succeeds with issues', { timeout: 180_000 }, async () => {
    const { runner } = await runTask({ policies: 'policies', manifests: 'deploy', sarif: 'imagegate.sarif', failOn: 'never' });
    assert.equal(runner.stdout.split('\n').filter((l) => l.startsWith('##vso[task.logissue type=error;')).length, 1, runner.stdout);
    assert.match(runner.stdout, /^##vso\[task\.complete result=SucceededWithIssues;\]ImageGate: 1 finding\(s\) that do not block$/m);
});

test('an invalid policy is an input error: the task fails with exit code 2', { timeout: 180_000 }, async () => {
    const { runner } = await runTask({ policies: 'deploy/pods.yaml\nno/such/policies', manifests: 'deploy' });
    assert.ok(runner.failed, runner.stdout);
    assert.deepEqual(runner.errorIssues, ['ImageGate: input error (exit code 2)']);
});
