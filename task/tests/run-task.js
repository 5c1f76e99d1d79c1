'use strict';
// The task-runner script that MockTestRunner starts in a child node process. The test case comes in
// IMAGEGATE_TEST_CASE (JSON): inputs, an optional job token, and whether task-lib itself is mocked.
const path = require('path');
const { TaskMockRunner } = require('azure-pipelines-task-lib/mock-run');

const testCase = JSON.parse(process.env.IMAGEGATE_TEST_CASE || '{}');
console.log(`task runtime: node ${process.version}`);
const runner = new TaskMockRunner(path.join(__dirname, '..', 'index.js'));
for (const [name, value] of Object.entries(testCase.inputs || {})) {
    runner.setInput(name, value);
}
if (testCase.token) {
    // What the agent gives every task: the SystemVssConnection endpoint carrying the job's access token.
    process.env.ENDPOINT_AUTH_SYSTEMVSSCONNECTION = JSON.stringify({ parameters: { AccessToken: testCase.token }, scheme: 'OAuth' });
}
if (testCase.answers) {
    runner.setAnswers(testCase.answers);
    runner.run();
} else {
    // The real task-lib: real tool runner, real logging commands, the real binary stand-in.
    runner.run(true);
}
