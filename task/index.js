'use strict';
// Azure DevOps task entry point: reads the task inputs, runs the self-contained imagegate binary shipped
// in this folder with an explicit argument list, publishes the SARIF file and sets the task result.
// task-lib moves every INPUT_* and ENDPOINT_AUTH_* variable out of the environment when it loads, so
// the binary gets everything it needs from us: flags for inputs, environment variables for secrets.

const fs = require('fs');
const path = require('path');
const tl = require('azure-pipelines-task-lib/task');

/** Exit codes of imagegate (DESIGN.md decision 7) and what they mean for the task. */
const EXIT_CODES = {
    0: { result: tl.TaskResult.Succeeded, message: 'ImageGate: no blocking findings' },
    1: { result: tl.TaskResult.Failed, message: 'ImageGate: policy failures (exit code 1)' },
    2: { result: tl.TaskResult.Failed, message: 'ImageGate: input error (exit code 2)' },
};

const LINES = /\r?\n/;

/** Where the binary is: IMAGEGATE_BINARY when set (tests, custom installs), else bin/ beside this file. */
function binaryPath() {
    const override = process.env.IMAGEGATE_BINARY;
    if (override) return override;
    return path.join(__dirname, 'bin', process.platform === 'win32' ? 'imagegate.exe' : 'imagegate');
}

/** Non-empty, trimmed lines of a multi-line input. */
function lines(name, required) {
    return tl.getDelimitedInput(name, LINES, required).map((l) => l.trim()).filter((l) => l.length > 0);
}

/** `--flag=value` for each value: the inline form keeps a value that starts with `-` from being read as a flag. */
function repeat(args, flag, values) {
    for (const value of values) args.push(`${flag}=${value}`);
}

/** Builds the `imagegate scan` argument list from the task inputs. Flags of boolean inputs are given only when on. */
function buildArguments() {
    const args = ['scan'];
    repeat(args, '--policies', lines('policies', true));
    repeat(args, '--manifests', lines('manifests', false));
    repeat(args, '--exclude', lines('exclude', false));
    repeat(args, '--exceptions', lines('exceptions', false));
    repeat(args, '--cluster-resources', lines('clusterResources', false));
    repeat(args, '--values', lines('values', false));
    const providers = (tl.getInput('credentialProviders', false) || '')
        .split(/[,\s]+/).map((p) => p.trim()).filter((p) => p.length > 0);
    repeat(args, '--credential-providers', providers);
    repeat(args, '--registry-mirrors', lines('registryMirrors', false));
    args.push(`--fail-on=${tl.getInput('failOn', false) || 'deny'}`);
    const sarif = tl.getInput('sarif', false);
    if (sarif) args.push(`--sarif=${sarif}`);
    if (tl.getBoolInput('comment', false)) args.push('--comment');
    if (tl.getBoolInput('prStatus', false)) args.push('--pr-status');
    if (tl.getBoolInput('pinDigests', false)) args.push('--pin-digests');
    if (tl.getBoolInput('offline', false)) args.push('--offline');
    args.push(`--verbosity=${tl.getInput('verbosity', false) || 'normal'}`);
    return { args, sarif };
}

/** The pipeline's job token: the SystemVssConnection endpoint every task receives, else a mapped
 *  SYSTEM_ACCESSTOKEN. Read without task-lib's debug echo of the value. */
function accessToken() {
    const auth = tl.getEndpointAuthorization('SystemVssConnection', true);
    const fromEndpoint = auth && auth.parameters ? auth.parameters.AccessToken : undefined;
    return fromEndpoint || process.env.SYSTEM_ACCESSTOKEN || undefined;
}

/** Largest SARIF file read to count findings; a larger one is published but not counted. */
const MAX_SARIF_BYTES = 64 * 1024 * 1024;

/** Findings in a SARIF file that are errors or warnings (failed results, any level but note); null when unreadable. */
function sarifIssueCount(file) {
    try {
        if (fs.statSync(file).size > MAX_SARIF_BYTES) return null;
        const log = JSON.parse(fs.readFileSync(file, 'utf8'));
        let count = 0;
        for (const run of Array.isArray(log.runs) ? log.runs : []) {
            for (const result of Array.isArray(run.results) ? run.results : []) {
                const failed = result.kind === undefined || result.kind === 'fail';
                if (failed && (result.level === 'error' || result.level === 'warning' || result.level === undefined)) count++;
            }
        }
        return count;
    } catch {
        return null;
    }
}

/** Makes the shipped binary executable: extracting a task package may drop the mode bits. */
function ensureExecutable(file) {
    if (process.platform === 'win32') return;
    const mode = fs.statSync(file).mode;
    if ((mode & 0o111) === 0) fs.chmodSync(file, mode | 0o755);
}

async function run() {
    try {
        const { args, sarif } = buildArguments();
        const binary = binaryPath();
        if (!fs.existsSync(binary)) {
            tl.setResult(tl.TaskResult.Failed, `ImageGate: the imagegate binary is missing at ${binary}; reinstall the extension`);
            return;
        }
        ensureExecutable(binary);

        // The token travels in the child's environment only (argv is visible to every process on the agent).
        const env = Object.assign({}, process.env);
        const token = (tl.getBoolInput('comment', false) || tl.getBoolInput('prStatus', false)) ? accessToken() : undefined;
        if (token) {
            tl.setSecret(token);
            env.SYSTEM_ACCESSTOKEN = token;
        }
        env.IMAGEGATE_AZURE_TASK = 'true';

        const workingDirectory = tl.getInput('workingDirectory', false)
            || tl.getVariable('System.DefaultWorkingDirectory') || process.cwd();
        if (sarif) fs.mkdirSync(path.dirname(path.resolve(workingDirectory, sarif)), { recursive: true });

        const code = await tl.tool(binary).arg(args).execAsync({ cwd: workingDirectory, env, ignoreReturnCode: true });

        if (sarif) {
            const sarifFile = path.resolve(workingDirectory, sarif);
            if (fs.existsSync(sarifFile)) {
                tl.setVariable('sarifFile', sarifFile, false, true);
                if (tl.getBoolInput('publishSarif', false)) {
                    // The Scans tab reads every .sarif file of the artifact named CodeAnalysisLogs.
                    tl.uploadArtifact('CodeAnalysisLogs', sarifFile, tl.getInput('artifactName', false) || 'CodeAnalysisLogs');
                }
            } else if (code !== 2) {
                tl.warning(`ImageGate: no SARIF file was written at ${sarifFile}`);
            }
        }
        tl.setVariable('exitCode', String(code), false, true);
        let outcome = EXIT_CODES[code] || { result: tl.TaskResult.Failed, message: `ImageGate: exited with code ${code}` };
        const issues = code === 0 && sarif ? sarifIssueCount(path.resolve(workingDirectory, sarif)) : null;
        if (issues) {
            // Nothing blocks, but findings exist (Warn policies, or fail-on never): a yellow step, not a green one.
            outcome = { result: tl.TaskResult.SucceededWithIssues, message: `ImageGate: ${issues} finding(s) that do not block` };
        }
        tl.setResult(outcome.result, outcome.message);
    } catch (err) {
        tl.setResult(tl.TaskResult.Failed, `ImageGate: ${err && err.message ? err.message : err}`);
    }
}

run();
