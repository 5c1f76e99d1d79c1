'use strict';
// task.json checked three ways: against the task manifest schema, by tfx-cli's own validator (what
// `tfx extension create` runs), and against the wrapper (every input it reads exists, and the reverse).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

const taskDir = path.join(__dirname, '..');
const taskJsonPath = path.join(taskDir, 'task.json');
const taskJson = JSON.parse(fs.readFileSync(taskJsonPath, 'utf8'));
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'task.schema.json'), 'utf8'));

function validator() {
    return new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
}

test('task.json is valid against the task manifest schema', () => {
    const validate = validator();
    assert.ok(validate(taskJson), JSON.stringify(validate.errors, null, 2));
});

test('the schema rejects what the agent rejects (bad id, unknown handler, input name with a dash)', () => {
    const validate = validator();
    const cases = [
        [{ ...taskJson, id: 'not-a-guid' }, '/id'],
        [{ ...taskJson, execution: { Docker: { target: 'index.js' } } }, '/execution'],
        [{ ...taskJson, inputs: [{ name: 'fail-on', label: 'x', type: 'string' }] }, '/inputs/0/name'],
        [{ ...taskJson, friendlyName: 'x'.repeat(41) }, '/friendlyName'],
        [{ ...taskJson, unknownField: true }, ''],
    ];
    for (const [doc, where] of cases) {
        assert.equal(validate(doc), false, `accepted a manifest wrong at "${where}"`);
        assert.ok(validate.errors.some((e) => e.instancePath === where), `${where}: ${JSON.stringify(validate.errors)}`);
    }
});

test('tfx-cli\'s task validator finds no issue (targets exist, Node24 and Node20_1 are current runners)', () => {
    const { validateTask } = require('tfx-cli/_build/lib/jsonvalidate');
    assert.deepEqual(validateTask(taskJsonPath, taskJson), []);
    assert.deepEqual(Object.keys(taskJson.execution).sort(), ['Node20_1', 'Node24']);
    assert.equal(taskJson.execution.Node24.target, taskJson.execution.Node20_1.target);
});

test('the wrapper reads exactly the inputs task.json declares', () => {
    const source = fs.readFileSync(path.join(taskDir, 'index.js'), 'utf8');
    const read = new Set([...source.matchAll(/(?:getInput|getBoolInput|lines)\('([A-Za-z]+)'/g)].map((m) => m[1]));
    const declared = new Set(taskJson.inputs.map((i) => i.name));
    assert.deepEqual([...read].sort(), [...declared].sort());
});

test('pick lists default to one of their options; fail-on offers deny, warn and never', () => {
    for (const input of taskJson.inputs.filter((i) => i.type === 'pickList')) {
        assert.ok(Object.keys(input.options).includes(input.defaultValue), input.name);
    }
    const failOn = taskJson.inputs.find((i) => i.name === 'failOn');
    assert.deepEqual(Object.keys(failOn.options), ['deny', 'warn', 'never']);
});

test('the example pipeline uses the task by name and major version, with inputs task.json declares', () => {
    const pipeline = fs.readFileSync(path.join(taskDir, '..', 'examples', 'azure-pipelines.yml'), 'utf8');
    assert.match(pipeline, new RegExp(`^  - task: ${taskJson.name}@${taskJson.version.Major}$`, 'm'));
    const block = pipeline.split(/^    inputs:$/m)[1].split(/^\s*$/m)[0];
    const used = [...block.matchAll(/^      ([A-Za-z]+):/gm)].map((m) => m[1]);
    assert.ok(used.length >= 5, block);
    const declared = new Set(taskJson.inputs.map((i) => i.name));
    assert.deepEqual(used.filter((name) => !declared.has(name)), []);
    const required = taskJson.inputs.filter((i) => i.required && i.defaultValue === undefined).map((i) => i.name);
    assert.deepEqual(required.filter((name) => !used.includes(name)), []);
});
