// .github/workflows/multiarch.yml against action.yml, by reading both: every
// action input is passed through or listed as left out, defaults agree,
// outputs are the action's, secrets stay secrets, and the merge is all or nothing.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { actionDefaults, ROOT } from '../../support/action-runner.js';
import { SELF_PATH, SELF_USES } from '../helpers/action-name.js';
import {
  actionWith,
  leftOut,
  readWorkflow,
  unaccounted,
  workflowText,
} from '../helpers/reusable-workflow.js';

const wf = readWorkflow();
const call = wf.on.workflow_call;
const build = actionWith(wf.jobs.build ?? { steps: [] });
const merge = actionWith(wf.jobs.merge ?? { steps: [] });
const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  outputs: Record<string, unknown>;
};
const defaults = actionDefaults();
const passed = new Set([...Object.keys(build), ...Object.keys(merge)]);
const same = (name: string) => `\${{ inputs.${name} }}`;
/** Left out as inputs, set by the workflow itself on its steps. */
const SET_BY_WORKFLOW = new Set([
  'push',
  'username',
  'password',
  'secrets',
  'push-by-digest',
  'digest-file',
  'sources-from',
  'sign-key',
  'sign-key-password',
]);

describe('multiarch.yml passes the action through', () => {
  test('every action input is passed through or listed as deliberately left out, not both', () => {
    expect(
      unaccounted(workflowText(), Object.keys(defaults)),
      'add these to the build or merge step, or to "Action inputs deliberately left out"',
    ).toEqual([]);
    const out = leftOut();
    // Left out means not an input of the workflow: what it sets itself (push-by-digest, ...)
    // or takes as a secret (username, password, secrets).
    expect(
      [...out.keys()].filter((n) => n in call.inputs || (passed.has(n) && !SET_BY_WORKFLOW.has(n))),
    ).toEqual([]);
    expect(
      [...out.keys()].filter((n) => !(n in defaults)),
      'listed as left out but not an action input',
    ).toEqual([]);
  });

  test.each([
    // [#, what the edit removes, the input then reported]
    [1, /^#\s+max-parallel .*\n/m, 'max-parallel'],
    [2, /^\s+labels: \$\{\{ needs\.plan\.outputs\.labels \}\}\n/m, 'labels'],
    [3, /^\s+annotations: \$\{\{ needs\.plan\.outputs\.(build-)?annotations \}\}\n/gm, 'annotations'],
  ])('%i: the check fails when the workflow loses %s', (_n, edit, input) => {
    const text = workflowText();
    const edited = text.replace(edit, '');
    expect(edited).not.toBe(text);
    expect(unaccounted(edited, Object.keys(defaults))).toEqual([input]);
  });

  test('a passed-through input has a workflow input of the same name with the action default', () => {
    // push-by-digest follows the workflow's own 'push' input.
    const viaInputs = [...Object.entries(build), ...Object.entries(merge)].filter(
      ([name, v]) => /\$\{\{\s*inputs\./.test(v) && !SET_BY_WORKFLOW.has(name),
    );
    expect(viaInputs.length).toBeGreaterThan(30);
    for (const [name, value] of viaInputs) {
      expect(value, name).toBe(same(name));
      const spec = call.inputs[name];
      expect(spec, `workflow input '${name}'`).toBeDefined();
      if (name !== 'tags') expect(String(spec?.default ?? ''), `default of '${name}'`).toBe(defaults[name]);
    }
  });

  test('every workflow input is used by a job', () => {
    const text = JSON.stringify(wf.jobs);
    const unused = Object.keys(call.inputs).filter(
      (n) => !text.includes(`inputs.${n} `) && !text.includes(`inputs.${n}}`) && n !== 'artifact-prefix',
    );
    expect(unused).toEqual([]);
    expect(text).toContain('toJSON(inputs)');
  });

  test("the outputs are the merge job's action outputs, under the action's names", () => {
    for (const name of ['digest', 'platform-digests', 'image', 'metadata']) {
      expect(action.outputs).toHaveProperty([name]);
      expect(call.outputs[name]?.value).toBe(`\${{ jobs.merge.outputs.${name} }}`);
      expect(wf.jobs.merge?.outputs?.[name]).toBe(`\${{ steps.merge.outputs.${name} }}`);
    }
    expect(wf.jobs.merge?.steps.find((s) => s.uses === SELF_USES)?.id).toBe('merge');
  });
});

describe('multiarch.yml runs the action of its own commit', () => {
  const checkout = {
    repository: '${{ job.workflow_repository }}',
    ref: '${{ job.workflow_sha }}',
    path: SELF_PATH,
    'persist-credentials': false,
  };
  test.each([
    [1, 'plan', `${SELF_USES}/.github/actions/fan-out-plan`],
    [2, 'build', SELF_USES],
    [3, 'merge', SELF_USES],
  ])('%i: the %s job checks out job.workflow_sha, then uses %s', (_n, name, uses) => {
    const steps = wf.jobs[name]?.steps ?? [];
    const at = steps.findIndex((s) => s.uses === uses);
    const own = steps.findIndex((s) => s.uses?.startsWith('actions/checkout@') && s.with?.path === SELF_PATH);
    expect(own, name).toBeGreaterThanOrEqual(0);
    expect(own, name).toBeLessThan(at);
    expect(steps[own]?.with).toEqual(checkout);
    expect(steps[own]?.if, 'the checkout is unconditional').toBeUndefined();
  });

  test('no step names the action by a repository or a tag', () => {
    const uses = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.uses ?? ''));
    expect(uses.filter((u) => u.includes('multiarch-build-action@') || u.includes('OWNER/'))).toEqual([]);
  });
});

describe('multiarch.yml secrets', () => {
  test('credentials and build secrets come in as secrets, never inputs', () => {
    expect(Object.keys(call.secrets).sort()).toEqual([
      'build-secrets',
      'github-token',
      'password',
      'registry-auths',
      'sign-key',
      'sign-key-password',
      'username',
    ]);
    for (const name of ['secrets', 'build-secrets', 'username', 'password', 'sign-key', 'sign-key-password'])
      expect(call.inputs, name).not.toHaveProperty([name]);
    expect(build.secrets).toBe('${{ secrets.build-secrets }}');
    for (const step of [build, merge]) {
      expect(step.username).toBe('${{ secrets.username }}');
      expect(step.password).toBe('${{ secrets.password }}');
    }
    expect(merge).not.toHaveProperty('secrets');
    expect(merge['sign-key']).toBe('${{ secrets.sign-key }}');
    expect(merge['sign-key-password']).toBe('${{ secrets.sign-key-password }}');
    expect(build).not.toHaveProperty('sign-key'); // only the merge job signs
  });

  test("no top-level permissions: they would cap the build and merge jobs' token below the caller's", () => {
    expect(wf.permissions).toBeUndefined();
    expect(wf.jobs.plan?.permissions).toEqual({ contents: 'read' });
  });
});

describe('multiarch.yml is all or nothing', () => {
  test('build jobs push by digest only; only the merge job, after every build job, moves tags', () => {
    expect(build['push-by-digest']).toBe('${{ inputs.push }}');
    expect(build).not.toHaveProperty('push');
    expect(merge.push).toBe('true');
    // push: false builds only: no digest artifact, no merge job.
    expect(wf.jobs.merge?.if).toBe('${{ inputs.push }}');
    const upload = wf.jobs.build?.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('${{ inputs.push }}');
    expect(merge['sources-from']).toBeDefined();
    expect([wf.jobs.merge?.needs].flat()).toContain('build');
    // An `if:` with always(), failure() or cancelled() would run the merge after a failed leg.
    expect(wf.jobs.merge?.if ?? '').not.toMatch(/always|failure|cancelled/);
    for (const step of wf.jobs.merge?.steps ?? []) expect(step.if ?? '').not.toMatch(/always|failure/);
  });

  test('fail-fast is an input, true by default, and the matrix comes from the plan job', () => {
    expect(call.inputs['fail-fast']).toMatchObject({ type: 'boolean', default: true });
    expect(wf.jobs.build?.strategy?.['fail-fast']).toBe('${{ inputs.fail-fast }}');
    expect(wf.jobs.build?.strategy?.matrix).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}');
    expect(wf.jobs.build?.['runs-on']).toBe('${{ matrix.runner }}');
  });

  test("each call's digest artifacts are PREFIX_SLUG, and the merge downloads only PREFIX_*", () => {
    const upload = wf.jobs.build?.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const download = wf.jobs.merge?.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(upload?.with?.name).toBe('${{ needs.plan.outputs.prefix }}_${{ matrix.slug }}');
    expect(download?.with?.pattern).toBe('${{ needs.plan.outputs.prefix }}_*');
    expect(download?.with?.['merge-multiple']).toBe(true);
  });
});
